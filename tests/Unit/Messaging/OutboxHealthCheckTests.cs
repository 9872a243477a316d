using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using MlOps.ServiceDefaults.Outbox;

namespace MlOps.Tests.Unit.Messaging;

/// <summary>The <c>outbox</c> health check turns unhealthy only when one publish has waited well past its timeout.</summary>
public sealed class OutboxHealthCheckTests
{
    sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    static async Task<HealthCheckResult> CheckAsync(OutboxProgress progress)
    {
        var check = new OutboxHealthCheck(progress, Options.Create(new OutboxOptions { PublishTimeout = TimeSpan.FromSeconds(30) }));
        var registration = new HealthCheckRegistration("outbox", check, HealthStatus.Unhealthy, null);
        return await check.CheckHealthAsync(new HealthCheckContext { Registration = registration });
    }

    [Fact]
    public async Task A_publish_waiting_past_its_timeout_makes_the_service_unhealthy_and_names_the_event()
    {
        var clock = new Clock();
        var progress = new OutboxProgress(clock);
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(progress)).Status);

        var id = Guid.NewGuid();
        progress.Publishing(new OutboxMessage { MessageId = id, MessageType = "MlOps.Contracts.DataArrived", Body = "{}", CreatedAt = clock.Now });
        clock.Now += TimeSpan.FromSeconds(40);
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(progress)).Status);

        clock.Now += TimeSpan.FromSeconds(10);
        var stuck = await CheckAsync(progress);
        Assert.Equal(HealthStatus.Unhealthy, stuck.Status);
        Assert.Contains($"DataArrived {id} for 50 s", stuck.Description);

        progress.Idle();
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(progress)).Status);
    }
}

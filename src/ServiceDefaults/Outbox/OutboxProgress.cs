using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace MlOps.ServiceDefaults.Outbox;

/// <summary>What the outbox dispatcher is publishing now and since when; the <c>outbox</c> health check reads it.</summary>
public sealed class OutboxProgress(TimeProvider time)
{
    // A reference, swapped whole: the health check reads it from another thread than the dispatcher's.
    sealed record Publish(string Type, Guid MessageId, DateTimeOffset Since);

    volatile Publish? _current;

    internal void Publishing(OutboxMessage row) => _current = new Publish(row.MessageType, row.MessageId, time.GetUtcNow());

    internal void Idle() => _current = null;

    /// <summary>The event being published, and for how long, or null when the dispatcher is between publishes.</summary>
    public (string Type, Guid MessageId, TimeSpan For)? Current =>
        _current is { } c ? (c.Type, c.MessageId, time.GetUtcNow() - c.Since) : null;
}

/// <summary>
/// Unhealthy while one publish has been waiting well past <see cref="OutboxOptions.PublishTimeout"/>: the dispatcher is
/// stuck, and every event the service commits after it waits too. A connected broker alone does not show that.
/// </summary>
sealed class OutboxHealthCheck(OutboxProgress progress, IOptions<OutboxOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var limit = options.Value.PublishTimeout + TimeSpan.FromSeconds(15);
        return Task.FromResult(progress.Current is { } c && c.For > limit
            ? new HealthCheckResult(context.Registration.FailureStatus,
                $"the outbox dispatcher has been publishing {c.Type} {c.MessageId} for {c.For.TotalSeconds:0} s; later events wait behind it")
            : HealthCheckResult.Healthy());
    }
}

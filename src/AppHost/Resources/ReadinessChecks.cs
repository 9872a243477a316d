using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MlOps.AppHost.Resources;

/// <summary>
/// Health checks that notice readiness at once. Aspire checks a resource that is not healthy yet again after 1, 2, 3, 4
/// and then every 5 seconds, so a server that becomes ready just after a check is seen up to 5 s late, and everything
/// waiting for it starts that much later (RabbitMQ, then the databases, then the services: up to 15 s of a cold start).
/// Until a resource has been seen healthy, and again after it was seen unhealthy, its check keeps probing every
/// <see cref="Step"/> for up to <see cref="Patience"/> and answers as soon as the resource is ready. A resource that was
/// healthy is probed once, so a failure shows at the next check.
/// </summary>
public static class ReadinessChecks
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan Step = TimeSpan.FromMilliseconds(200);

    /// <summary>Registers <paramref name="probe"/> (one attempt per call) under <paramref name="key"/>, probed patiently until ready.</summary>
    public static void AddReadinessCheck(this IServiceCollection services, string key, Func<IHealthCheck> probe)
    {
        var state = new ReadinessState();
        services.AddHealthChecks().Add(new HealthCheckRegistration(key, _ => new PatientCheck(probe(), state),
            HealthStatus.Unhealthy, tags: null, timeout: Patience + TimeSpan.FromSeconds(10)));
    }

    sealed class ReadinessState
    {
        public volatile bool Healthy;
    }

    sealed class PatientCheck(IHealthCheck probe, ReadinessState state) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            var patience = state.Healthy ? TimeSpan.Zero : Patience;
            var clock = Stopwatch.StartNew();
            while (true)
            {
                var result = await probe.CheckHealthAsync(context, ct);
                if (result.Status == HealthStatus.Healthy || clock.Elapsed + Step >= patience)
                {
                    state.Healthy = result.Status == HealthStatus.Healthy;
                    return result;
                }
                await Task.Delay(Step, ct);
            }
        }
    }

    /// <summary>A platform service is healthy when its own <c>/health</c> answers 200 (one attempt, 3 s at most).</summary>
    public sealed class HttpProbe(int port) : IHealthCheck
    {
        static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(3) };

        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            try
            {
                using var response = await Client.GetAsync($"http://127.0.0.1:{port}/health", ct);
                return response.IsSuccessStatusCode
                    ? HealthCheckResult.Healthy()
                    : HealthCheckResult.Unhealthy($"/health answered {(int)response.StatusCode}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy("/health does not answer", e);
            }
        }
    }
}

using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace MlOps.AppHost.Resources;

/// <summary>
/// Aspire checks a healthy resource's health only every 30 seconds, or sooner when the resource's state changes. A
/// broker or database that dies and is restarted within that time would leave every service green on the dashboard
/// while nothing moves. This mirrors each server's state onto the services that wait for it (a property named after
/// the server), and that change makes Aspire check the services at once: they show unhealthy while the server is down.
/// </summary>
static class DependencyHealth
{
    public static async Task RunAsync(IServiceProvider services, CancellationToken ct)
    {
        var model = services.GetRequiredService<DistributedApplicationModel>();
        var notifications = services.GetRequiredService<ResourceNotificationService>();
        var servers = model.Resources.Where(r => r is LocalRabbitMqServerResource or LocalPostgresServerResource).ToDictionary(r => r.Name);
        // A service depends on a server when it waits for it or for one of its databases.
        var dependents = servers.Values.ToDictionary(s => s.Name, server => model.Resources
            .Where(r => r is ExecutableResource && r.Annotations.OfType<WaitAnnotation>().Any(w => w.Resource == server
                || (w.Resource is IResourceWithParent child && child.Parent == server)))
            .ToList());
        var last = new Dictionary<string, string>();
        await foreach (var e in notifications.WatchAsync(ct))
        {
            if (!servers.TryGetValue(e.Resource.Name, out var server) || e.Resource != server)
                continue;
            var state = $"{e.Snapshot.State?.Text ?? "unknown"} ({e.Snapshot.HealthStatus?.ToString() ?? "no health yet"})";
            if (last.TryGetValue(server.Name, out var before) && before == state)
                continue;
            last[server.Name] = state;
            foreach (var service in dependents[server.Name])
            {
                await notifications.PublishUpdateAsync(service, s => s with
                {
                    Properties = MlOps.AppHost.Models.ModelWatcher.Merge(s.Properties,
                        [new ResourcePropertySnapshot($"mlops.{server.Name}", state) { DisplayName = server.Name }]),
                });
            }
        }
    }
}

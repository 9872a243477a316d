using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MlOps.AppHost.Resources;

/// <summary>
/// Aspire hands a container's state down to its child resources, but not an executable's: this gives each
/// <see cref="LocalPostgresDatabaseResource"/> the state of its server, so the dashboard shows it and its health checks
/// (which pass once the database exists) run, and services waiting for it start.
/// </summary>
static class DatabaseStates
{
    /// <summary>The PostgreSQL servers of the app model; read in a <c>BeforeStartEvent</c> handler (see <see cref="RestartWatcher.Watched"/>).</summary>
    public static IReadOnlyDictionary<string, LocalPostgresServerResource> Servers(IServiceProvider services) =>
        services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<LocalPostgresServerResource>().ToDictionary(s => s.Name);

    public static async Task RunAsync(IServiceProvider services, IReadOnlyDictionary<string, LocalPostgresServerResource> servers, CancellationToken ct)
    {
        var notifications = services.GetRequiredService<ResourceNotificationService>();
        await foreach (var e in notifications.WatchAsync(ct))
        {
            if (!servers.TryGetValue(e.Resource.Name, out var server))
            {
                continue;
            }
            foreach (var database in server.Databases)
            {
                await notifications.PublishUpdateAsync(database, s => s with
                {
                    State = e.Snapshot.State,
                    StartTimeStamp = e.Snapshot.StartTimeStamp,
                    StopTimeStamp = e.Snapshot.StopTimeStamp,
                });
            }
        }
    }
}

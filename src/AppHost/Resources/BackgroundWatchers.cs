using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Lifecycle;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MlOps.AppHost.Resources;

public static class BackgroundWatcherExtensions
{
    /// <summary>
    /// Shortens the dashboard's health-check interval (<see cref="HealthCheckInterval"/>) and starts the restart watcher
    /// and the database state mirror when the app model starts. What they watch is read from the app model here, in the
    /// handler: other handlers add resources while these loops run beside them. They are not hosted
    /// services: the orchestrator's own start-up waits for every resource, including those waiting on the databases
    /// that only these loops can mark running, and hosted services start one after another.
    /// </summary>
    public static IDistributedApplicationBuilder AddBackgroundWatchers(this IDistributedApplicationBuilder builder)
    {
        builder.Services.AddSingleton<RestartWatcher>();
        builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
        {
            var stopping = e.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            var logger = e.Services.GetRequiredService<ILogger<RestartWatcher>>();
            HealthCheckInterval.Apply(e.Services, builder.Configuration.GetValue("AppHost:HealthCheckInterval", HealthCheckInterval.Default));
            var restarts = e.Services.GetRequiredService<RestartWatcher>();
            var watched = restarts.Watched();
            Run(() => restarts.RunAsync(watched, stopping), logger, stopping);
            var servers = DatabaseStates.Servers(e.Services);
            Run(() => DatabaseStates.RunAsync(e.Services, servers, stopping), logger, stopping);
            return Task.CompletedTask;
        });
        return builder;
    }

    static void Run(Func<Task> loop, ILogger logger, CancellationToken stopping) => _ = Task.Run(async () =>
    {
        try
        {
            await loop();
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogError(e, "A platform watcher stopped");
        }
    });
}

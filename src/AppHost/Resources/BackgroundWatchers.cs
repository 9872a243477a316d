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
    /// and the database state mirror when the app model starts. They are not hosted
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
            Run(() => e.Services.GetRequiredService<RestartWatcher>().RunAsync(stopping), logger, stopping);
            Run(() => DatabaseStates.RunAsync(e.Services, stopping), logger, stopping);
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

using System.Collections.Concurrent;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MlOps.AppHost.Resources;

/// <summary>Marks a resource that is started again when it exits unexpectedly.</summary>
public sealed class RestartOnFailureAnnotation : IResourceAnnotation;

public static class RestartOnFailureExtensions
{
    /// <summary>Starts the resource again, with backoff, when its process ends without having been asked to stop.</summary>
    public static IResourceBuilder<T> WithRestartOnFailure<T>(this IResourceBuilder<T> builder) where T : IResource =>
        builder.WithAnnotation(new RestartOnFailureAnnotation());
}

/// <summary>
/// Aspire restarts nothing by itself. This watches every resource marked <see cref="RestartOnFailureAnnotation"/> and
/// starts it again after 1 s, 2 s, 4 s … (at most 30 s; back to 1 s once it has run for a minute) when its process ends
/// by itself (state Finished), whatever the exit code: RabbitMQ's start script exits with 0 when its node is killed, and
/// a service has no business ending on its own either. A stop from the dashboard or of the platform (state Stopping,
/// then Terminated) is left alone.
/// </summary>
sealed class RestartWatcher(
    DistributedApplicationModel model,
    ResourceNotificationService notifications,
    ResourceCommandService commands,
    ResourceLoggerService resourceLogs,
    IHostApplicationLifetime lifetime,
    ILogger<RestartWatcher> logger) 
{
    static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);
    static readonly TimeSpan StableAfter = TimeSpan.FromMinutes(1);

    readonly ConcurrentDictionary<string, Track> _tracks = new();

    sealed class Track
    {
        public string? State;
        public bool StopRequested;
        public int Failures;
        public DateTimeOffset RunningSince;
    }

    /// <summary>
    /// The resources marked to restart. Read while the app model is not changing: in a <c>BeforeStartEvent</c> handler,
    /// not from a task running beside the other handlers, some of which add resources (the dashboard's) meanwhile.
    /// </summary>
    public IReadOnlySet<string> Watched() =>
        model.Resources.Where(r => r.Annotations.OfType<RestartOnFailureAnnotation>().Any()).Select(r => r.Name).ToHashSet();

    public async Task RunAsync(IReadOnlySet<string> watched, CancellationToken ct)
    {
        await foreach (var e in notifications.WatchAsync(ct))
        {
            if (!watched.Contains(e.Resource.Name) || lifetime.ApplicationStopping.IsCancellationRequested)
            {
                continue;
            }
            var track = _tracks.GetOrAdd(e.ResourceId, _ => new Track());
            var state = e.Snapshot.State?.Text;
            if (state == track.State)
            {
                continue;
            }
            track.State = state;
            logger.LogDebug("{Resource} is {State} (exit code {ExitCode})", e.ResourceId, state, e.Snapshot.ExitCode);
            if (state == KnownResourceStates.Stopping)
            {
                track.StopRequested = true;
            }
            else if (state == KnownResourceStates.Running)
            {
                if (DateTimeOffset.UtcNow - track.RunningSince > StableAfter)
                {
                    track.Failures = 0;
                }
                track.RunningSince = DateTimeOffset.UtcNow;
                track.StopRequested = false;
            }
            else if (state == KnownResourceStates.Finished)
            {
                // Finished: the process ended by itself. A stop from the dashboard or the platform ends in Terminated.
                var requested = track.StopRequested;
                track.StopRequested = false;
                if (requested)
                {
                    continue;
                }
                if (DateTimeOffset.UtcNow - track.RunningSince > StableAfter)
                {
                    track.Failures = 0;
                }
                var delay = TimeSpan.FromSeconds(Math.Min(Math.Pow(2, track.Failures), MaxDelay.TotalSeconds));
                track.Failures++;
                _ = RestartAsync(e.Resource, e.ResourceId, e.Snapshot.ExitCode, delay, ct);
            }
        }
    }

    async Task RestartAsync(IResource resource, string resourceId, int? exitCode, TimeSpan delay, CancellationToken ct)
    {
        var message = $"{resourceId} exited unexpectedly (exit code {exitCode?.ToString() ?? "unknown"}); starting it again in {delay.TotalSeconds:0} s";
        logger.LogWarning("{Message}", message);
        resourceLogs.GetLogger(resource).LogWarning("{Message}", message);
        try
        {
            await Task.Delay(delay, ct);
            if (lifetime.ApplicationStopping.IsCancellationRequested)
            {
                return;
            }
            var result = await commands.ExecuteCommandAsync(resourceId, KnownResourceCommands.StartCommand, ct);
            if (!result.Success)
            {
                logger.LogError("Could not start {Resource} again: {Error}", resourceId, result.Message);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }
}

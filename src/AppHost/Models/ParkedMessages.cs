using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Logging;

namespace MlOps.AppHost.Models;

/// <summary>
/// How many messages are parked in each service's error queues, as the service's "Parked messages" property: asked
/// every <see cref="Interval"/> of each healthy service (<c>GET /admin/error-queues</c>, which asks the broker).
/// </summary>
sealed class ParkedMessages(PlatformApi api, ResourceNotificationService notifications, IReadOnlyDictionary<string, IResource> services, ILogger logger)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    public async Task RunAsync(Func<string, bool> healthy, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            foreach (var (name, resource) in services)
            {
                if (!healthy(name))
                    continue;
                try
                {
                    var queues = ServiceCommands.Parked(await api.Watch(name, "/admin/error-queues", ct)).ToList();
                    var total = queues.Sum(q => q.Messages);
                    var value = total == 0 ? "0" : $"{total} ({string.Join(", ", queues.Where(q => q.Messages > 0).Select(q => $"{q.Queue}: {q.Messages}"))})";
                    await notifications.PublishUpdateAsync(resource, s => s with
                    {
                        Properties = ModelWatcher.Merge(s.Properties,
                            [new ResourcePropertySnapshot(ServiceCommands.ParkedProperty, value) { DisplayName = "Parked messages", IsHighlighted = true }]),
                    });
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException && !ct.IsCancellationRequested)
                {
                    logger.LogDebug(e, "Parked messages of {Service} unknown", name);
                }
            }
        }
        while (await timer.WaitForNextTickAsync(ct));
    }
}

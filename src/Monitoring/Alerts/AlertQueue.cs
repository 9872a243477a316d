using System.Text.Json;
using MlOps.Monitoring.Data;

namespace MlOps.Monitoring.Alerts;

/// <summary>Queues an event for a model's webhook in the caller's unit of work, so the alert commits with the state change that caused it.</summary>
public static class AlertQueue
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The POSTed body: <c>{event, model, occurredAt, message}</c>, where message is the event as it travels on the bus.</summary>
    public static bool Enqueue<T>(MonitoringDbContext db, MonitoredModel? model, T message, DateTimeOffset occurredAt, DateTimeOffset now, ILogger logger)
        where T : class
    {
        if (model?.Webhook is not { Length: > 0 } webhook) return false;
        if (!IsWebhook(webhook))
        {
            logger.LogWarning("Pipeline {Model}'s alerts.webhook '{Webhook}' is not an absolute http(s) URL: {Event} not sent", model.Name, webhook, typeof(T).Name);
            return false;
        }
        db.Alerts.Add(new PendingAlert
        {
            Model = model.Name,
            Url = webhook,
            Event = typeof(T).Name,
            Body = JsonSerializer.Serialize(new { @event = typeof(T).Name, model = model.Name, occurredAt, message }, Json),
            NextAttemptAt = now,
            CreatedAt = now,
        });
        return true;
    }

    public static bool IsWebhook(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}

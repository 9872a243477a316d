namespace MlOps.Monitoring.Data;

/// <summary>An event to POST to a pipeline's webhook, written with the state change that caused it and sent by <c>AlertSender</c>.</summary>
public sealed class PendingAlert
{
    public long Id { get; set; }
    public string Model { get; set; } = "";
    public string Url { get; set; } = "";
    public string Event { get; set; } = "";
    public string Body { get; set; } = "";
    /// <summary>pending, sent or failed (gave up after the configured attempts).</summary>
    public string Status { get; set; } = AlertStatus.Pending;
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
}

public static class AlertStatus
{
    public const string Pending = "pending";
    public const string Sent = "sent";
    public const string Failed = "failed";
}

namespace MlOps.ServiceDefaults.Outbox;

/// <summary>The outbox dispatcher (section <c>Outbox</c>).</summary>
public sealed class OutboxOptions
{
    /// <summary>Whether this process publishes its outbox. Off only in tests that stage a crash between commit and publish.</summary>
    public bool DispatcherEnabled { get; set; } = true;

    /// <summary>How often the outbox is checked when nothing signalled new rows (rows written by another process).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public int BatchSize { get; set; } = 100;

    /// <summary>Backoff after a failed publish grows from this, doubling per attempt up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long one publish may wait for RabbitMQ's confirm before it counts as a failed attempt. After a broker restart the
    /// client can leave a publish waiting for a confirm that never comes (rabbitmq-dotnet-client#1930); without a limit that
    /// one publish would hold up every later event of the service.
    /// </summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Publish attempts before a row is marked failed and left for an operator (<c>POST /admin/outbox/retry</c>). With the
    /// default backoff, 30 attempts span about 12 minutes.
    /// </summary>
    public int MaxAttempts { get; set; } = 30;
}

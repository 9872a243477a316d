namespace MlOps.ServiceDefaults.Messaging;

/// <summary>How consumers retry (section <c>Messaging</c>).</summary>
public sealed class MessagingOptions
{
    public const string Section = "Messaging";

    /// <summary>
    /// How long a consumer keeps retrying a transient fault (database or blob store unreachable, a lost race) before the
    /// message goes to the error queue. Long enough to outlast an outage of minutes; below RabbitMQ's 30-minute
    /// delivery acknowledgement timeout, since the message stays unacknowledged while it is retried.
    /// </summary>
    public TimeSpan TransientRetryWindow { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>The longest wait between two transient retries; waits start at 100 ms and double up to this.</summary>
    public TimeSpan TransientMaxInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Retries of any other failure (a bug, bad data) before the error queue. <see cref="PermanentException"/> is never retried.</summary>
    public int FaultRetries { get; set; } = 3;

    /// <summary>
    /// <c>classic</c> (the default) or <c>quorum</c>: the type of the durable queues the service declares (its consumers'
    /// queues and the subscriber queues it binds at start-up). Quorum queues are replicated across the nodes of a RabbitMQ
    /// cluster (docs/scale-out.md). A queue's type is fixed when it is first declared: switch on a new virtual host.
    /// </summary>
    public string QueueType { get; set; } = "classic";

    /// <summary>True for <c>Messaging:QueueType=quorum</c>; fails naming the key for any value but classic or quorum.</summary>
    internal static bool Quorum(string? queueType) => queueType?.Trim().ToLowerInvariant() switch
    {
        null or "" or "classic" => false,
        "quorum" => true,
        _ => throw new InvalidOperationException($"Messaging:QueueType must be classic or quorum (it is '{queueType}')."),
    };

    /// <summary>How often the error-queue depth and outbox backlog gauges ask the broker and the database.</summary>
    public TimeSpan GaugeInterval { get; set; } = TimeSpan.FromSeconds(15);

    internal TimeSpan[] TransientIntervals()
    {
        var intervals = new List<TimeSpan>();
        var total = TimeSpan.Zero;
        var next = TimeSpan.FromMilliseconds(100);
        while (total < TransientRetryWindow)
        {
            intervals.Add(next);
            total += next;
            next = TimeSpan.FromTicks(Math.Min(next.Ticks * 2, Math.Max(TransientMaxInterval.Ticks, 1)));
        }
        return [.. intervals];
    }
}

namespace MlOps.ServiceDefaults.Outbox;

/// <summary>An event committed with the state change that caused it, waiting to be published.</summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }
    public Guid MessageId { get; set; }
    public required string MessageType { get; set; }
    public required string Body { get; set; }
    public Guid? CorrelationId { get; set; }
    /// <summary>W3C trace context of the work that caused the event, so publishing continues the same trace.</summary>
    public string? TraceParent { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset? NextAttemptAt { get; set; }
    public string? LastError { get; set; }
    /// <summary>Set when <see cref="OutboxOptions.MaxAttempts"/> ran out: the row waits for an operator to retry it.</summary>
    public DateTimeOffset? FailedAt { get; set; }
}

/// <summary>A message a consumer has handled; recorded in the same transaction as the consumer's effect.</summary>
public sealed class InboxMessage
{
    public Guid MessageId { get; set; }
    public required string Consumer { get; set; }
    public required string MessageType { get; set; }
    public DateTimeOffset HandledAt { get; set; }
}

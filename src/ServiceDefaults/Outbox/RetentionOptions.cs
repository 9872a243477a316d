namespace MlOps.ServiceDefaults.Outbox;

/// <summary>How long bookkeeping rows are kept (section <c>Retention</c>); nothing grows without bound.</summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>How often the clean-up runs.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Outbox rows are deleted this long after they were sent. Unsent and failed rows are kept.</summary>
    public TimeSpan SentOutboxAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Inbox rows are deleted this long after their message was handled. A message redelivered later (for example
    /// replayed from an error queue) would be handled again, so keep this longer than anything stays parked.
    /// </summary>
    public TimeSpan InboxAge { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Blob store chunks of an upload that never completed (the writer died half way) are deleted after this.</summary>
    public TimeSpan UploadAge { get; set; } = TimeSpan.FromDays(1);
}

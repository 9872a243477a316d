using MlOps.Contracts;

namespace MlOps.Ingestion.Data;

public static class BatchStatus
{
    public const string Arrived = "arrived";
    public const string Validated = "validated";
    public const string Rejected = "rejected";
}

/// <summary>One received batch. Its bytes live in the blob store under <see cref="ContentHash"/>.</summary>
public sealed class Batch
{
    public Guid Id { get; set; }
    public required string Dataset { get; set; }
    public required string ContentHash { get; set; }
    public required string Format { get; set; }
    public long Bytes { get; set; }
    public long Rows { get; set; }
    public List<ColumnInfo> Columns { get; set; } = [];
    public required string Status { get; set; }
    public List<Anomaly> Anomalies { get; set; } = [];
    public Guid? ReportId { get; set; }
    public required string Source { get; set; }
    public string? IdempotencyKey { get; set; }
    public Guid CorrelationId { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
}

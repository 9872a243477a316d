using MlOps.Contracts;

namespace MlOps.Validation.Data;

/// <summary>The outcome of validating one batch: its anomalies and a profile of every column.</summary>
public sealed class ValidationReport
{
    public Guid Id { get; set; }
    public Guid BatchId { get; set; }
    public required string Dataset { get; set; }
    public required string ContentHash { get; set; }
    /// <summary>validated or rejected.</summary>
    public required string Outcome { get; set; }
    public long Rows { get; set; }
    public List<Anomaly> Anomalies { get; set; } = [];
    public long AnomalyCount { get; set; }
    public List<ColumnSummary> Profile { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
}

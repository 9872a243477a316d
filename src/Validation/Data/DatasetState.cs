using MlOps.Learning.Profiling;
using MlOps.Validation.Schemas;

namespace MlOps.Validation.Data;

/// <summary>A dataset's schema and the merged profile of every batch accepted so far (the history skew is measured against).</summary>
public sealed class DatasetState
{
    public required string Dataset { get; set; }
    public required DatasetSchema Schema { get; set; }
    /// <summary>inferred (from the first accepted batch) or edited (through PUT).</summary>
    public required string SchemaSource { get; set; }
    public int SchemaVersion { get; set; }
    public List<ColumnProfile> History { get; set; } = [];
    public long AcceptedBatches { get; set; }
    public long AcceptedRows { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Optimistic concurrency: two batches of one dataset validated at once must not both overwrite the history.</summary>
    public uint Version { get; set; }
}

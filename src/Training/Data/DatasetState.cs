namespace MlOps.Training.Data;

/// <summary>This service's copy of a dataset's latest version, from <c>DatasetVersionCreated</c> (never Ingestion's tables).</summary>
public sealed class DatasetState
{
    public required string Dataset { get; set; }
    public int Number { get; set; }
    public required string Hash { get; set; }
    public List<string> BatchHashes { get; set; } = [];
    public List<long> BatchRows { get; set; } = [];
    public long Rows { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

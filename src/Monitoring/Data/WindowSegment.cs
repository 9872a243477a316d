namespace MlOps.Monitoring.Data;

/// <summary>Rows [Skip, Skip + Take) of one prediction-log blob that belong to window <see cref="Window"/> of a model.</summary>
public sealed class WindowSegment
{
    public long Id { get; set; }
    public string Model { get; set; } = "";
    public int Window { get; set; }
    public int Version { get; set; }
    public string BlobRef { get; set; } = "";
    public int Skip { get; set; }
    public int Take { get; set; }
}

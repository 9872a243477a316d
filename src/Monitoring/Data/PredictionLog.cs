namespace MlOps.Monitoring.Data;

/// <summary>Every <c>PredictionsLogged</c> received, and what was done with it (windowed, shadow, stale).</summary>
public sealed class PredictionLog
{
    public long Id { get; set; }
    public string Model { get; set; } = "";
    public int Version { get; set; }
    public bool Shadow { get; set; }
    public string BlobRef { get; set; } = "";
    public int Count { get; set; }
    public DateTimeOffset WindowStart { get; set; }
    public DateTimeOffset WindowEnd { get; set; }
    public string Status { get; set; } = "";
    public DateTimeOffset ReceivedAt { get; set; }
}

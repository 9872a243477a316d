namespace MlOps.Serving.Data;

/// <summary>One prediction log window written to the blob store and announced as <c>PredictionsLogged</c>; kept for retention.</summary>
public sealed class PredictionWindow
{
    public Guid Id { get; set; }
    public required string Model { get; set; }
    public int Version { get; set; }
    public bool Shadow { get; set; }
    public DateTimeOffset WindowStart { get; set; }
    public DateTimeOffset WindowEnd { get; set; }
    public int Count { get; set; }
    public required string BlobRef { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

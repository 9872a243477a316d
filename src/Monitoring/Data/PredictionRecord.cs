namespace MlOps.Monitoring.Data;

/// <summary>
/// One served prediction, from its window's blob, joined with its label from feedback. Either side can arrive first: a
/// label for a prediction not logged yet waits in a row with no version.
/// </summary>
public sealed class PredictionRecord
{
    public Guid Id { get; set; }
    public string Model { get; set; } = "";
    public int? Version { get; set; }
    /// <summary>The drift window it was counted in; null for shadow and stale predictions.</summary>
    public int? Window { get; set; }
    public bool Shadow { get; set; }
    public string? Prediction { get; set; }
    public string? Label { get; set; }
    public DateTimeOffset? PredictedAt { get; set; }
    public DateTimeOffset? LabelledAt { get; set; }
}

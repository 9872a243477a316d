namespace MlOps.Monitoring.Data;

/// <summary>A full window of a model's champion predictions and its drift verdict.</summary>
public sealed class DriftWindow
{
    public string Model { get; set; } = "";
    public int Window { get; set; }
    public int Version { get; set; }
    public long Rows { get; set; }
    public DateTimeOffset WindowStart { get; set; }
    public DateTimeOffset WindowEnd { get; set; }
    public double DriftShare { get; set; }
    public bool DriftDetected { get; set; }
    /// <summary>published, cooldown (drifted, but within retrain.cooldownSeconds of the last DriftDetected) or null (no drift).</summary>
    public string? Outcome { get; set; }
    public List<FeatureVerdict> Features { get; set; } = [];
    public FeatureVerdict? Prediction { get; set; }
    /// <summary>The metric the window is judged by (accuracy or rmse) and the champion's holdout score on it.</summary>
    public string? Metric { get; set; }
    public double? HoldoutScore { get; set; }
    public DateTimeOffset EvaluatedAt { get; set; }
}

/// <summary>One feature's test in a window, with both distributions for the report.</summary>
public sealed record FeatureVerdict(string Feature, string Test, double Score, double Threshold, bool Drifted, double Psi, long Rows, Distribution Distribution);

/// <summary>Shares per bin (numeric: the reference's decile bins) or category, reference beside current.</summary>
public sealed record Distribution(IReadOnlyList<string> Labels, IReadOnlyList<double> Reference, IReadOnlyList<double> Current);

namespace MlOps.Monitoring.Windows;

/// <summary>What a full window's verdict leads to.</summary>
public static class DriftDecision
{
    public const string Published = "published";
    public const string Cooldown = "cooldown";

    /// <summary>Dataset drift: the share of drifted features reaches the policy's <c>drift.driftShare</c>.</summary>
    public static bool IsDatasetDrift(int drifted, int features, double driftShare) =>
        features > 0 && (double)drifted / features >= driftShare - 1e-12;

    /// <summary>
    /// Debounce: one <c>DriftDetected</c> per drifted window, and none until <c>retrain.cooldownSeconds</c> have passed since the
    /// model's last one. Null when the window did not drift.
    /// </summary>
    public static string? Outcome(bool datasetDrift, DateTimeOffset? lastDriftAt, int cooldownSeconds, DateTimeOffset now)
    {
        if (!datasetDrift) return null;
        if (lastDriftAt is { } last && now - last < TimeSpan.FromSeconds(Math.Max(cooldownSeconds, 0))) return Cooldown;
        return Published;
    }
}

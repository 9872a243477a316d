namespace MlOps.Learning.Metrics;

/// <summary>
/// The metric names a pipeline's promotion policy uses (DESIGN §4: <c>accuracy</c>, <c>auc</c>, <c>f1</c>,
/// <c>logloss</c>, <c>rmse</c>, <c>mae</c>, <c>r2</c>), the learning engine's names for them, and their direction.
/// Training checks definitions with it and the Registry's gate compares with it, so the two never disagree.
/// </summary>
public static class GateMetrics
{
    static readonly Dictionary<string, string> EngineNames = new(StringComparer.Ordinal)
    {
        ["accuracy"] = MetricNames.Accuracy,
        ["auc"] = MetricNames.Auc,
        ["f1"] = MetricNames.MacroF1,
        ["logloss"] = MetricNames.LogLoss,
        ["rmse"] = MetricNames.Rmse,
        ["mae"] = MetricNames.Mae,
        ["r2"] = MetricNames.R2,
    };

    public static IReadOnlyCollection<string> All => EngineNames.Keys;

    public static bool IsKnown(string metric) => EngineNames.ContainsKey(metric);

    /// <summary>The learning engine's name for a gate metric (<c>f1</c> → <c>macroF1</c>); engine names pass through.</summary>
    public static string EngineName(string metric) => EngineNames.TryGetValue(metric, out var name) ? name : metric;

    public static bool IsRegression(string metric) => metric is "rmse" or "mae" or "r2";

    /// <summary>rmse, mae and logloss: lower is better; accuracy, auc, f1 and r2: higher.</summary>
    public static bool HigherIsBetter(string metric) => MetricNames.HigherIsBetter(EngineName(metric));

    /// <summary>The metric a pipeline is gated on when its definition names none.</summary>
    public static string Default(string task) => task == "regression" ? "rmse" : "accuracy";
}

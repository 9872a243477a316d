using MlOps.Learning.Metrics;

namespace MlOps.Training.Pipelines;

/// <summary>The gate's metric names (DESIGN §4) and the learning engine's names for them.</summary>
public static class PromotionMetrics
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

    public static string EngineName(string metric) => EngineNames[metric];

    public static bool IsRegression(string metric) => metric is "rmse" or "mae" or "r2";

    public static bool HigherIsBetter(string metric) => metric is "accuracy" or "auc" or "f1" or "r2";

    /// <summary>The metric a pipeline is gated on when its definition names none.</summary>
    public static string Default(string task) => task == "regression" ? "rmse" : "accuracy";
}

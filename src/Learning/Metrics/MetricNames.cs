namespace MlOps.Learning.Metrics;

/// <summary>Metric names as they appear in artifacts, events and CLI JSON.</summary>
public static class MetricNames
{
    public const string Accuracy = "accuracy";
    public const string MacroF1 = "macroF1";
    public const string LogLoss = "logLoss";
    public const string Auc = "auc";
    public const string Rmse = "rmse";
    public const string Mae = "mae";
    public const string R2 = "r2";

    /// <summary>Whether a larger value of the metric is better (for model comparison and promotion).</summary>
    public static bool HigherIsBetter(string name) => name is Accuracy or MacroF1 or Auc or R2;
}

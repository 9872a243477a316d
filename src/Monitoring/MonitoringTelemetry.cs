using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MlOps.Monitoring;

/// <summary>Spans for window evaluation; metrics for windows, drift scores, drift events, performance and alerts.</summary>
public static class MonitoringTelemetry
{
    public const string Name = "MlOps.Monitoring";
    public static readonly ActivitySource Source = new(Name);
    static readonly Meter Meter = new(Name);

    public static readonly Counter<long> WindowsEvaluated = Meter.CreateCounter<long>("mlops.monitoring.windows", "{window}", "Full windows of champion predictions evaluated for drift");
    // Shares and scores live between 0 and 1 (PSI and normed Wasserstein can pass 1): buckets there, not the default
    // latency buckets (0, 5, 10, 25 …), so the dashboard's percentiles of a window's share read as shares.
    static readonly InstrumentAdvice<double> ShareBuckets = new() { HistogramBucketBoundaries = [0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1] };
    static readonly InstrumentAdvice<double> ScoreBuckets = new() { HistogramBucketBoundaries = [0, 0.001, 0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5] };

    public static readonly Histogram<double> DriftShare = Meter.CreateHistogram("mlops.monitoring.drift.share", "1", "Share of a window's features that drifted",
        tags: null, advice: ShareBuckets);
    public static readonly Histogram<double> FeatureScore = Meter.CreateHistogram("mlops.monitoring.drift.feature_score", "1",
        "Each feature's drift score per window: a p-value (ks, chi2, z) or a distance (wasserstein, jensenshannon, psi); tagged by feature and test",
        tags: null, advice: ScoreBuckets);
    public static readonly Counter<long> DriftDetected = Meter.CreateCounter<long>("mlops.monitoring.drift.detected", "{event}", "Windows with dataset drift, by outcome (published or cooldown)");
    public static readonly Histogram<double> Performance = Meter.CreateHistogram<double>("mlops.monitoring.performance", "1",
        "A window's accuracy (classification) or RMSE (regression, in the target's unit) over its labelled predictions");
    public static readonly Counter<long> RowsWindowed = Meter.CreateCounter<long>("mlops.monitoring.rows", "{prediction}", "Logged predictions received, by status (windowed, shadow, stale)");
    public static readonly Counter<long> AlertsSent = Meter.CreateCounter<long>("mlops.monitoring.alerts.sent", "{alert}", "Alerts delivered to a webhook");
    public static readonly Counter<long> AlertFailures = Meter.CreateCounter<long>("mlops.monitoring.alerts.failures", "{attempt}", "Failed webhook deliveries (each attempt)");
    public static readonly Counter<long> AlertsAbandoned = Meter.CreateCounter<long>("mlops.monitoring.alerts.abandoned", "{alert}", "Alerts given up after the configured attempts");
}

using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MlOps.Serving;

/// <summary>
/// Spans for loading models and writing logs; metrics for predictions, swaps, log windows and shadow agreement. The
/// <c>MlOps.*</c> prefix puts them on the service's OpenTelemetry pipeline (ServiceDefaults' TelemetryExtensions).
/// </summary>
public static class ServingTelemetry
{
    public const string Name = "MlOps.Serving";
    public static readonly ActivitySource Source = new(Name);
    static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Predictions = Meter.CreateCounter<long>("mlops.serving.predictions", "{prediction}",
        "Predictions answered, by model and version");
    public static readonly Histogram<double> Latency = Meter.CreateHistogram<double>("mlops.serving.predict.duration", "s",
        "Time to validate, predict and answer one predict request, by model and version");
    public static readonly Counter<long> Swaps = Meter.CreateCounter<long>("mlops.serving.swaps", "{swap}",
        "Champion swaps: a newly loaded version replaced the one served, by model and version now served");
    public static readonly Counter<long> LoadFailures = Meter.CreateCounter<long>("mlops.serving.load.failures", "{failure}",
        "Artifacts that could not be loaded (missing, corrupt, unreadable), by model and version");
    public static readonly Counter<long> StalePromotions = Meter.CreateCounter<long>("mlops.serving.promotions.stale", "{event}",
        "ModelPromoted events older than the promotion already applied, ignored");
    public static readonly Counter<long> LogWindows = Meter.CreateCounter<long>("mlops.serving.log.windows", "{window}",
        "Prediction log windows written to the blob store and announced, by model, version and shadow");
    public static readonly Counter<long> LogDropped = Meter.CreateCounter<long>("mlops.serving.log.dropped", "{prediction}",
        "Predictions answered but not logged because the log queue was full");
    public static readonly Counter<long> LogsDeleted = Meter.CreateCounter<long>("mlops.serving.log.deleted", "{window}",
        "Prediction log windows deleted by retention");
    public static readonly Counter<long> ShadowComparisons = Meter.CreateCounter<long>("mlops.serving.shadow.comparisons", "{prediction}",
        "Shadow predictions compared with the champion's, by model, shadow version and agreement (true/false)");
    public static readonly Counter<long> ShadowSkipped = Meter.CreateCounter<long>("mlops.serving.shadow.skipped", "{request}",
        "Sampled requests the shadow version could not predict (its input schema differs)");

    /// <summary>Reports the log queue's length (called once, by the service's one queue).</summary>
    internal static void ObserveLogQueue(Func<long> length) =>
        Meter.CreateObservableGauge("mlops.serving.log.queue", length, "{request}", "Requests whose predictions wait for the log writer");
}

using System.Diagnostics.Metrics;

namespace MlOps.Validation;

/// <summary>Validation's metrics: batches by outcome, anomalies by kind and severity.</summary>
public static class ValidationTelemetry
{
    public const string Name = "MlOps.Validation";
    static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Batches = Meter.CreateCounter<long>("mlops.validation.batches", "{batch}",
        "Batches validated, by dataset and outcome (validated or rejected)");
    public static readonly Counter<long> Anomalies = Meter.CreateCounter<long>("mlops.validation.anomalies", "{anomaly}",
        "Anomalies found, by dataset, kind (missing_column, type_mismatch, out_of_range, …) and severity (error or warning)");
}

namespace MlOps.Contracts;

/// <summary>
/// A window of predictions served; inputs and outputs live in the blob store under <paramref name="BlobRef"/> as
/// NDJSON, one prediction per line (docs/prediction-logs.md).
/// </summary>
/// <param name="Shadow">True when <paramref name="Version"/> predicted in shadow: its outputs were logged, never returned.</param>
public record PredictionsLogged(
    string Model,
    int Version,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    int Count,
    string BlobRef,
    Guid CorrelationId,
    DateTimeOffset OccurredAt,
    bool Shadow = false);

public record FeedbackItem(Guid PredictionId, string Label);

public record FeedbackReceived(string Model, IReadOnlyList<FeedbackItem> Items, Guid CorrelationId, DateTimeOffset OccurredAt);

/// <summary>The drift test on one feature.</summary>
/// <param name="Test">psi, ks, chi2, …</param>
public record FeatureDrift(string Feature, string Test, double Score, double Threshold, bool Drifted);

public record DriftDetected(
    string Model,
    int Version,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    long WindowRows,
    IReadOnlyList<FeatureDrift> Features,
    double DriftShare,
    double? PerformanceChange,
    Guid CorrelationId,
    DateTimeOffset OccurredAt);

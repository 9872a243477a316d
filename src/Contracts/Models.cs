namespace MlOps.Contracts;

/// <summary>The exact data a model saw: the ordered accepted batch hashes and the hash over them.</summary>
public record DatasetVersion(string Dataset, string Hash, IReadOnlyList<string> BatchHashes, long Rows);

/// <summary>Per-feature reference statistics of the training data, used by drift monitoring.</summary>
/// <param name="Kind">numeric or categorical.</param>
/// <param name="BinEdges">Numeric: the histogram bin edges (ascending).</param>
/// <param name="Frequencies">Numeric: the fraction of rows per bin; categorical: per category in <paramref name="Categories"/>.</param>
public record FeatureReference(string Feature, string Kind, IReadOnlyList<double>? BinEdges, IReadOnlyList<string>? Categories, IReadOnlyList<double> Frequencies, double NullFraction);

public record ModelTrained(
    Guid RunId,
    string Pipeline,
    DatasetVersion DatasetVersion,
    string DefinitionHash,
    string Trainer,
    IReadOnlyDictionary<string, double> Hyperparameters,
    int Seed,
    string CodeVersion,
    IReadOnlyDictionary<string, double> Metrics,
    string ArtifactHash,
    IReadOnlyList<FeatureReference> ReferenceProfile,
    string Trigger,
    Guid CorrelationId,
    DateTimeOffset OccurredAt);

public record TrainingFailed(
    Guid RunId,
    string Pipeline,
    string Reason,
    string Trigger,
    Guid CorrelationId,
    DateTimeOffset OccurredAt);

public record ModelRegistered(
    string Model,
    int Version,
    Guid RunId,
    string ArtifactHash,
    IReadOnlyDictionary<string, double> Metrics,
    DatasetVersion DatasetVersion,
    Guid CorrelationId,
    DateTimeOffset OccurredAt);

/// <summary>The comparison that decided a promotion: the gate's metric for the candidate and the champion.</summary>
public record MetricComparison(string Metric, double Candidate, double? Champion, double MinImprovement, bool HigherIsBetter);

public record ModelPromoted(
    string Model,
    int Version,
    int? PreviousVersion,
    string ArtifactHash,
    string Reason,
    MetricComparison? Comparison,
    IReadOnlyList<FeatureReference> ReferenceProfile,
    Guid CorrelationId,
    DateTimeOffset OccurredAt);

public record PromotionDeclined(
    string Model,
    int Version,
    int? ChampionVersion,
    string Reason,
    MetricComparison Comparison,
    Guid CorrelationId,
    DateTimeOffset OccurredAt);

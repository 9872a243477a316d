namespace MlOps.Contracts;

/// <summary>The exact data a model saw: the ordered accepted batch hashes and the hash over them.</summary>
/// <param name="Number">The dataset version's number, when known.</param>
/// <param name="BatchRows">The row count of each batch, in the order of <paramref name="BatchHashes"/>, when known.</param>
public record DatasetVersion(string Dataset, string Hash, IReadOnlyList<string> BatchHashes, long Rows, int? Number = null, IReadOnlyList<long>? BatchRows = null);

/// <summary>
/// The rows a run held out, stored in the blob store as CSV under <paramref name="BlobRef"/>, so the promotion gate can
/// score the champion on exactly the rows the candidate was scored on.
/// </summary>
/// <param name="ColumnTypes">Each column's type as the run read it (float, integer, boolean, categorical, timestamp), to read the CSV back identically.</param>
public record HoldoutReference(string BlobRef, string Format, long Rows, IReadOnlyDictionary<string, string> ColumnTypes);

/// <summary>Per-feature reference statistics of the training data, used by drift monitoring.</summary>
/// <param name="Kind">numeric or categorical.</param>
/// <param name="BinEdges">Numeric: the histogram bin edges (ascending).</param>
/// <param name="Frequencies">Numeric: the fraction of rows per bin; categorical: per category in <paramref name="Categories"/>.</param>
/// <param name="Type">The column type as training read it: float, integer, boolean, categorical or timestamp (Unix seconds); null from older publishers.</param>
/// <param name="Rows">The reference's row count, nulls included (null from older publishers).</param>
/// <param name="Mean">Numeric: the mean of the non-null values.</param>
/// <param name="Std">Numeric: the population standard deviation of the non-null values.</param>
/// <param name="Values">Numeric: the non-null values in ascending order — all of them up to 1,000, else 1,000 evenly spaced quantiles.</param>
public record FeatureReference(string Feature, string Kind, IReadOnlyList<double>? BinEdges, IReadOnlyList<string>? Categories, IReadOnlyList<double> Frequencies, double NullFraction,
    string? Type = null, long? Rows = null, double? Mean = null, double? Std = null, IReadOnlyList<double>? Values = null);

/// <param name="TargetReference">The distribution of the target the model learned (class labels or values), the reference for prediction drift.</param>
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
    DateTimeOffset OccurredAt,
    MlTask? Task = null,
    string? Target = null,
    HoldoutReference? Holdout = null,
    PromotionPolicy? Promotion = null,
    long TrainRows = 0,
    FeatureReference? TargetReference = null);

public record TrainingFailed(
    Guid RunId,
    string Pipeline,
    string Reason,
    string Trigger,
    Guid CorrelationId,
    DateTimeOffset OccurredAt,
    DatasetVersion? DatasetVersion = null,
    string? DefinitionHash = null);

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
/// <param name="Rule">The rule applied, in words (e.g. "accuracy: candidate must beat the champion by at least 0 on the candidate's holdout").</param>
public record MetricComparison(string Metric, double Candidate, double? Champion, double MinImprovement, bool HigherIsBetter, string? Rule = null, double? MinScore = null);

public record ModelPromoted(
    string Model,
    int Version,
    int? PreviousVersion,
    string ArtifactHash,
    string Reason,
    MetricComparison? Comparison,
    IReadOnlyList<FeatureReference> ReferenceProfile,
    Guid CorrelationId,
    DateTimeOffset OccurredAt,
    string? PromotedBy = null);

public record PromotionDeclined(
    string Model,
    int Version,
    int? ChampionVersion,
    string Reason,
    MetricComparison Comparison,
    Guid CorrelationId,
    DateTimeOffset OccurredAt);

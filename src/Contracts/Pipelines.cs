namespace MlOps.Contracts;

/// <summary>The task a pipeline trains for; fixes the objective, the metrics and the prediction shape.</summary>
public enum MlTask
{
    Binary,
    Multiclass,
    Regression,
}

public record TrainerSpec(string Name, IReadOnlyDictionary<string, double> Params);

/// <summary>How the training data is split into train and holdout sets.</summary>
/// <param name="By"><c>random</c> (stratified for classification) or <c>time</c>.</param>
/// <param name="TimeColumn">The column ordered by when <paramref name="By"/> is <c>time</c>.</param>
public record SplitSpec(string By, double Holdout, int Seed, string? TimeColumn = null);

public record RetrainPolicy(int MinNewRows, bool OnDrift, int CooldownSeconds);

/// <summary>How the registry's gate decides: the metric (direction from its name), the margin over the champion, an optional floor, and whether a person approves.</summary>
public record PromotionPolicy(string Metric, double MinImprovement, double? MinScore = null, bool RequireApproval = false);

public record DriftPolicy(int WindowRows, double Psi, double KsPValue, double DriftShare);

/// <summary>Broadcast to every service whenever a pipeline definition is created or changed; each keeps the part it needs.</summary>
public record PipelineDefined(
    string Name,
    string Dataset,
    MlTask Task,
    string Target,
    IReadOnlyList<string> Features,
    IReadOnlyList<string> Exclude,
    TrainerSpec Trainer,
    SplitSpec Split,
    RetrainPolicy Retrain,
    PromotionPolicy Promotion,
    DriftPolicy Drift,
    string DefinitionHash,
    Guid CorrelationId,
    DateTimeOffset OccurredAt,
    ServingPolicy? Serving = null,
    AlertsPolicy? Alerts = null);

/// <summary>How Serving treats the pipeline's model: the share of requests the latest non-champion version also predicts on (shadow), logged and never returned.</summary>
public record ServingPolicy(double ShadowShare);

/// <summary>Where the model's <c>DriftDetected</c>, <c>TrainingFailed</c> and <c>ModelPromoted</c> are POSTed as JSON; null for nowhere.</summary>
public record AlertsPolicy(string? Webhook);

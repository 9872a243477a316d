using MlOps.Contracts;

namespace MlOps.Training.Pipelines;

/// <summary>
/// A pipeline definition (DESIGN §4) with every default filled in. Stored as JSON; its canonical JSON is what the
/// definition hash covers, so the same definition always has the same hash.
/// </summary>
public sealed record PipelineDefinition(
    string Dataset,
    string Task,
    string Target,
    IReadOnlyList<string> Features,
    IReadOnlyList<string> Exclude,
    TrainerDefinition Trainer,
    SplitDefinition Split,
    RetrainDefinition Retrain,
    PromotionDefinition Promotion,
    DriftDefinition Drift,
    ServingDefinition Serving,
    AlertsDefinition Alerts)
{
    public MlTask TaskKind => Task switch
    {
        "binary" => MlTask.Binary,
        "multiclass" => MlTask.Multiclass,
        _ => MlTask.Regression,
    };

    public PipelineDefined ToEvent(string name, string hash, Guid correlationId, DateTimeOffset at) => new(
        name, Dataset, TaskKind, Target, Features, Exclude,
        new TrainerSpec(Trainer.Name, Trainer.Params),
        new SplitSpec(Split.By, Split.Holdout, Split.Seed, Split.TimeColumn),
        new RetrainPolicy(Retrain.MinNewRows, Retrain.OnDrift, Retrain.CooldownSeconds),
        Promotion.ToPolicy(),
        new DriftPolicy(Drift.WindowRows, Drift.Psi, Drift.KsPValue, Drift.DriftShare),
        hash, correlationId, at,
        new ServingPolicy(Serving.ShadowShare),
        new AlertsPolicy(Alerts.Webhook));
}

public sealed record TrainerDefinition(string Name, SortedDictionary<string, double> Params);

/// <param name="By"><c>random</c> (stratified for classification) or <c>time</c> (the latest rows by <paramref name="TimeColumn"/> are held out).</param>
public sealed record SplitDefinition(string By, double Holdout, int Seed, string? TimeColumn);

/// <param name="MinNewRows">New rows since the version the last run trained on that start a run; 0 turns data triggers off.</param>
public sealed record RetrainDefinition(int MinNewRows, bool OnDrift, int CooldownSeconds);

public sealed record PromotionDefinition(string Metric, double MinImprovement, double? MinScore, bool RequireApproval)
{
    public PromotionPolicy ToPolicy() => new(Metric, MinImprovement, MinScore, RequireApproval);
}

public sealed record DriftDefinition(int WindowRows, double Psi, double KsPValue, double DriftShare);

public sealed record ServingDefinition(double ShadowShare);

public sealed record AlertsDefinition(string? Webhook);

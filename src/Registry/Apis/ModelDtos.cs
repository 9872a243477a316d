using MlOps.Learning.Metrics;
using MlOps.Contracts;
using MlOps.Registry.Data;
using MlOps.Registry.Gate;

namespace MlOps.Registry.Apis;

public sealed record ChampionDto(int Version, string Metric, double? Score, DateTimeOffset? PromotedAt);

public sealed record ModelDto(string Model, ChampionDto? Champion, int Versions, int LatestVersion, IReadOnlyList<int> AwaitingApproval, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record BatchDto(string Hash, long? Rows);

public sealed record DatasetVersionDto(string Dataset, int? Number, string Hash, IReadOnlyList<BatchDto> Batches, long Rows);

public sealed record GateDto(string Decision, string Metric, double? Candidate, double? Champion, int? ChampionVersion, double? MinImprovement, double? MinScore,
    bool? HigherIsBetter, string? Rule, string Reason);

/// <summary>A version with its full lineage (DESIGN §4).</summary>
public sealed record ModelVersionDto(
    string Model,
    int Version,
    Guid RunId,
    string ArtifactHash,
    DatasetVersionDto DatasetVersion,
    string DefinitionHash,
    string Trainer,
    IReadOnlyDictionary<string, double> Params,
    int Seed,
    string CodeVersion,
    IReadOnlyDictionary<string, double> Metrics,
    string? Task,
    string? Target,
    long TrainRows,
    HoldoutReference? Holdout,
    PromotionPolicy? Promotion,
    GateDto Gate,
    bool IsChampion,
    string Trigger,
    Guid CorrelationId,
    DateTimeOffset TrainedAt,
    DateTimeOffset RegisteredAt)
{
    public static ModelVersionDto From(ModelVersion v, int? champion) => new(
        v.Model, v.Version, v.RunId, v.ArtifactHash,
        new DatasetVersionDto(v.Dataset, v.DatasetNumber, v.DatasetHash,
            v.BatchHashes.Select((h, i) => new BatchDto(h, v.BatchRows is { } rows && i < rows.Count ? rows[i] : null)).ToList(), v.DatasetRows),
        v.DefinitionHash, v.Trainer, v.Params, v.Seed, v.CodeVersion, v.Metrics, v.Task, v.Target, v.TrainRows, v.Holdout, v.Promotion,
        new GateDto(v.GateDecision, v.GateComparison?.Metric ?? v.Promotion?.Metric ?? "", NaNToNull(v.GateComparison?.Candidate), v.GateComparison?.Champion,
            v.GateChampionVersion, v.GateComparison?.MinImprovement, v.GateComparison?.MinScore, v.GateComparison?.HigherIsBetter, v.GateComparison?.Rule, v.GateReason),
        champion == v.Version, v.Trigger, v.CorrelationId, v.TrainedAt, v.RegisteredAt);

    static double? NaNToNull(double? v) => v is { } d && double.IsNaN(d) ? null : v;
}

public sealed record AuditDto(long Id, string Model, DateTimeOffset At, string Who, string Action, int? From, int To, string Reason)
{
    public static AuditDto Of(AuditEntry a) => new(a.Id, a.Model, a.At, a.Who, a.Action, a.FromVersion, a.ToVersion, a.Reason);
}

public sealed record ChampionRequest(int? Version, string? Reason);

public sealed record ChampionMoved(string Model, int Version, int? PreviousVersion, bool Changed, AuditDto? Audit);

static class ChampionScore
{
    public static ChampionDto? Of(RegisteredModel m, ModelVersion? champion)
    {
        if (m.ChampionVersion is not { } version || champion is null)
            return null;
        var metric = champion.Promotion?.Metric ?? champion.GateComparison?.Metric ?? "accuracy";
        return new ChampionDto(version, metric, champion.Metrics.TryGetValue(GateMetrics.EngineName(metric), out var s) ? s : null, m.ChampionSince);
    }
}

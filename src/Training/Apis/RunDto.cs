using MlOps.Training.Data;

namespace MlOps.Training.Apis;

public sealed record BatchDto(string Hash, long? Rows);

public sealed record DatasetVersionDto(string Dataset, int? Number, string? Hash, IReadOnlyList<BatchDto> Batches, long? Rows);

public sealed record TimingsDto(DateTimeOffset QueuedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, IReadOnlyDictionary<string, double> Seconds);

public sealed record HoldoutDto(string BlobRef, long? Rows);

/// <summary>Boosting rounds fitted out of those asked for (one tree per round, or per class and round for multiclass).</summary>
public sealed record ProgressDto(int RoundsDone, int RoundsTotal);

/// <summary>A run as <c>GET /runs/{runId}</c> shows it (DESIGN §4), with its progress while it runs.</summary>
public sealed record RunDto(
    Guid RunId,
    string Pipeline,
    string Status,
    string? Phase,
    ProgressDto? Progress,
    string Trigger,
    IReadOnlyList<string> Triggers,
    DatasetVersionDto? DatasetVersion,
    string? DefinitionHash,
    string? Trainer,
    IReadOnlyDictionary<string, double>? Params,
    int? Seed,
    string? CodeVersion,
    IReadOnlyDictionary<string, double>? Metrics,
    string? ArtifactHash,
    HoldoutDto? Holdout,
    long? TrainRows,
    string? Error,
    Guid? ReproduceOf,
    bool? Identical,
    int Attempts,
    TimingsDto Timings)
{
    public static RunDto From(TrainingRun r) => new(
        r.Id, r.Pipeline, r.Status, r.Phase, r.RoundsTotal is { } total ? new ProgressDto(r.RoundsDone ?? 0, total) : null, r.Trigger, r.Triggers,
        r.BatchHashes is null ? null : new DatasetVersionDto(r.Dataset!, r.DatasetNumber, r.DatasetHash,
            r.BatchHashes.Select((h, i) => new BatchDto(h, r.BatchRows is { } rows && i < rows.Count ? rows[i] : null)).ToList(), r.DatasetRows),
        r.DefinitionHash, r.Definition?.Trainer.Name, r.Params ?? r.Definition?.Trainer.Params.ToDictionary(), r.Seed ?? r.Definition?.Split.Seed, r.CodeVersion,
        r.Metrics, r.ArtifactHash, r.HoldoutRef is null ? null : new HoldoutDto(r.HoldoutRef, r.HoldoutRows), r.TrainRows, r.Error,
        r.ReproduceOf, r.Identical, r.Attempts, new TimingsDto(r.QueuedAt, r.StartedAt, r.FinishedAt, r.Timings));
}

public sealed record RunRequested(Guid RunId, string Pipeline, string Status, bool Coalesced);

public sealed record ReproduceResult(Guid RunId, Guid OriginalRunId, string Status, string? ArtifactHash, string? OriginalArtifactHash, bool? Identical, string? Error);

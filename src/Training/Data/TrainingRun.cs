using MlOps.Training.Pipelines;

namespace MlOps.Training.Data;

public static class RunStatus
{
    /// <summary>Requested, waiting for the worker (and for the pipeline's running run or cooldown).</summary>
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}

public static class RunTriggers
{
    public const string Manual = "manual";
    public const string NewData = "new-data";
    public const string Drift = "drift";
    public const string Reproduce = "reproduce";
}

/// <summary>
/// One training run: requested by a trigger (a row written in the consumer's or request's short transaction), then
/// claimed and executed by <see cref="Runs.TrainingWorker"/>. Its inputs are pinned when it starts (or, for a
/// reproduction, copied from the original), so the run names exactly what it trained on.
/// </summary>
public sealed class TrainingRun
{
    public Guid Id { get; set; }
    public required string Pipeline { get; set; }
    public required string Status { get; set; }
    /// <summary>The trigger that requested the run; <see cref="Triggers"/> lists every trigger coalesced into it.</summary>
    public required string Trigger { get; set; }
    public List<string> Triggers { get; set; } = [];
    /// <summary>Manual runs and reproductions start without waiting out the pipeline's cooldown.</summary>
    public bool IgnoreCooldown { get; set; }
    public Guid? ReproduceOf { get; set; }
    public string? Phase { get; set; }

    /// <summary>Boosting rounds fitted so far and asked for, while a round-based trainer fits; null otherwise.</summary>
    public int? RoundsDone { get; set; }

    public int? RoundsTotal { get; set; }

    public string? DefinitionHash { get; set; }
    public PipelineDefinition? Definition { get; set; }
    public string? Dataset { get; set; }
    public int? DatasetNumber { get; set; }
    public string? DatasetHash { get; set; }
    public List<string>? BatchHashes { get; set; }
    public List<long>? BatchRows { get; set; }
    public long? DatasetRows { get; set; }

    public Dictionary<string, double>? Params { get; set; }
    public int? Seed { get; set; }
    public string? CodeVersion { get; set; }
    public Dictionary<string, double>? Metrics { get; set; }
    public string? ArtifactHash { get; set; }
    public string? HoldoutRef { get; set; }
    public Dictionary<string, string>? HoldoutColumnTypes { get; set; }
    public long? TrainRows { get; set; }
    public long? HoldoutRows { get; set; }
    public bool? Identical { get; set; }
    public string? Error { get; set; }

    public DateTimeOffset QueuedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    /// <summary>Seconds per phase (load, split, fit, evaluate, store).</summary>
    public Dictionary<string, double> Timings { get; set; } = [];
    public int Attempts { get; set; }

    public Guid CorrelationId { get; set; }
    /// <summary>W3C trace context of the trigger, so the run continues its trace.</summary>
    public string? TraceParent { get; set; }
}

using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using MlOps.Training.Data;

namespace MlOps.Training.Runs;

/// <summary>A run request as recorded: the queued run it created or joined.</summary>
public sealed record RunRequest(TrainingRun Run, bool Coalesced);

/// <summary>
/// Records run requests. A request only writes a row (in the caller's short transaction); the worker does the training.
/// A pipeline has at most one queued run: a trigger arriving while one is queued joins it, so triggers during a run or
/// its cooldown coalesce into one follow-up run. Opens a transaction when the caller has none; the inbox (or the caller) commits it.
/// </summary>
public static class RunRequests
{
    public static async Task<RunRequest> RequestAsync(TrainingDbContext db, string pipeline, string trigger, bool ignoreCooldown,
        Guid correlationId, DateTimeOffset now, CancellationToken ct)
    {
        // The row lock serialises triggers joining one queued run (each appends to its trigger list), and makes a trigger
        // that waited on the worker's claim see the run as running, so it queues the follow-up instead.
        if (db.Database.CurrentTransaction is null)
        {
            // A consumer's transaction: the inbox commits it with the request and the inbox row.
            await db.Database.BeginTransactionAsync(ct);
        }
        var queued = db.Runs.Local.FirstOrDefault(r => r.Pipeline == pipeline && r.Status == RunStatus.Queued && r.ReproduceOf is null)
            ?? (await db.Runs.FromSqlInterpolated($"""
                SELECT * FROM runs WHERE "Pipeline" = {pipeline} AND "Status" = 'queued' AND "ReproduceOf" IS NULL FOR UPDATE
                """).ToListAsync(ct)).SingleOrDefault();
        if (queued is not null)
        {
            queued.Triggers = [.. queued.Triggers, trigger];
            queued.IgnoreCooldown |= ignoreCooldown;
            return new RunRequest(queued, Coalesced: true);
        }
        var run = new TrainingRun
        {
            Id = Guid.CreateVersion7(),
            Pipeline = pipeline,
            Status = RunStatus.Queued,
            Trigger = trigger,
            Triggers = [trigger],
            IgnoreCooldown = ignoreCooldown,
            Phase = RunStatus.Queued,
            QueuedAt = now,
            CorrelationId = correlationId,
            TraceParent = Activity.Current?.Id,
        };
        db.Runs.Add(run);
        return new RunRequest(run, Coalesced: false);
    }

    /// <summary>A retrain from the recorded inputs of <paramref name="original"/>: its definition, dataset version and seed.</summary>
    public static TrainingRun Reproduction(TrainingRun original, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(),
        Pipeline = original.Pipeline,
        Status = RunStatus.Queued,
        Trigger = RunTriggers.Reproduce,
        Triggers = [RunTriggers.Reproduce],
        IgnoreCooldown = true,
        ReproduceOf = original.Id,
        Phase = RunStatus.Queued,
        DefinitionHash = original.DefinitionHash,
        Definition = original.Definition,
        Dataset = original.Dataset,
        DatasetNumber = original.DatasetNumber,
        DatasetHash = original.DatasetHash,
        BatchHashes = original.BatchHashes,
        BatchRows = original.BatchRows,
        DatasetRows = original.DatasetRows,
        QueuedAt = now,
        CorrelationId = original.CorrelationId,
        TraceParent = Activity.Current?.Id,
    };
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MlOps.Training.Data;

namespace MlOps.Training.Runs;

/// <summary>
/// Runs queued training runs one at a time, off the consumers and the HTTP API. A run is claimed when its pipeline has
/// no running run and, unless it was asked for by hand, the pipeline's cooldown since its last run has passed; its
/// inputs (the current definition, the latest dataset version) are pinned as it starts. On start-up and every
/// <see cref="TrainingOptions.InterruptedRunCheck"/>, runs left running by a process that is gone are queued again, so a
/// restart loses no run.
/// </summary>
/// <remarks>
/// One worker per service instance. Replicas share the queued runs: a run is claimed under its row lock and trained
/// under its <see cref="RunLease"/>, so no run is trained twice and a replica never takes over a run another one is
/// still training; the unique index on running runs keeps one run per pipeline at a time.
/// </remarks>
public sealed class TrainingWorker(IServiceScopeFactory scopes, RunExecutor executor, RunSignal signal, IOptions<TrainingOptions> options,
    TimeProvider time, ILogger<TrainingWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var nextCheck = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            Guid? claimed = null;
            try
            {
                if (time.GetUtcNow() >= nextCheck)
                {
                    await RequeueInterruptedAsync(stoppingToken);
                    nextCheck = time.GetUtcNow() + options.Value.InterruptedRunCheck;
                }
                if (await ClaimNextAsync(stoppingToken) is var (runId, lease))
                {
                    claimed = runId;
                    await using (lease)
                        await executor.ExecuteAsync(runId, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Training worker iteration failed; retrying");
                claimed = null;
            }
            if (claimed is null)
            {
                try { await signal.WaitAsync(options.Value.PollInterval, stoppingToken); }
                catch (OperationCanceledException) { break; }
            }
        }
    }

    async Task RequeueInterruptedAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrainingDbContext>();
        var running = await db.Runs.Where(r => r.Status == RunStatus.Running).ToListAsync(ct);
        var leases = new List<RunLease>();
        try
        {
            foreach (var run in running)
            {
                // Held until the requeue is saved, so no other replica requeues (and trains) the run meanwhile.
                if (await RunLease.TryTakeAsync(ConnectionString(db), run.Id, ct) is not { } lease)
                    continue;
                leases.Add(lease);
                // The process that trained it may have saved its outcome (and let go) since the list was read.
                await db.Entry(run).ReloadAsync(ct);
                if (run.Status == RunStatus.Running)
                    await RequeueAsync(db, run, ct);
            }
            await db.SaveChangesAsync(ct);
        }
        finally
        {
            foreach (var lease in leases)
                await lease.DisposeAsync();
        }
    }

    async Task RequeueAsync(TrainingDbContext db, TrainingRun run, CancellationToken ct)
    {
        // A reproduction keeps its pinned inputs; any other run takes the newest again when it restarts.
        if (run.ReproduceOf is null && await db.Runs.AnyAsync(r => r.Pipeline == run.Pipeline && r.Status == RunStatus.Queued && r.ReproduceOf == null, ct))
        {
            run.Status = RunStatus.Failed;
            run.Phase = "done";
            run.Error = "Interrupted by a restart of the Training service; a queued run of the same pipeline follows it.";
            run.FinishedAt = time.GetUtcNow();
            return;
        }
        run.Status = RunStatus.Queued;
        run.Phase = RunStatus.Queued;
        run.IgnoreCooldown = true;
        logger.LogInformation("Run {RunId} of {Pipeline} was interrupted by a restart: queued again", run.Id, run.Pipeline);
    }

    static string ConnectionString(TrainingDbContext db) =>
        db.Database.GetConnectionString() ?? throw new InvalidOperationException("The training database has no connection string.");

    /// <summary>
    /// Claims the oldest due run, pins its inputs and marks it running, in one short transaction; returns it with its
    /// lease, taken before the run shows as running and held by the caller until the run's outcome is saved.
    /// </summary>
    async Task<(Guid RunId, RunLease Lease)?> ClaimNextAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrainingDbContext>();
        var now = time.GetUtcNow();
        var queued = await db.Runs.AsNoTracking().Where(r => r.Status == RunStatus.Queued).OrderBy(r => r.QueuedAt)
            .Select(r => new { r.Id, r.Pipeline, r.IgnoreCooldown }).Take(50).ToListAsync(ct);
        foreach (var candidate in queued)
        {
            if (await db.Runs.AnyAsync(r => r.Pipeline == candidate.Pipeline && r.Status == RunStatus.Running, ct))
                continue;
            var pipeline = await db.Pipelines.AsNoTracking().SingleOrDefaultAsync(p => p.Name == candidate.Pipeline, ct);
            if (!candidate.IgnoreCooldown && pipeline is not null)
            {
                var lastFinished = await db.Runs.Where(r => r.Pipeline == candidate.Pipeline && r.ReproduceOf == null && r.FinishedAt != null)
                    .MaxAsync(r => r.FinishedAt, ct);
                if (lastFinished + TimeSpan.FromSeconds(pipeline.Definition.Retrain.CooldownSeconds) > now)
                    continue;
            }

            if (await RunLease.TryTakeAsync(ConnectionString(db), candidate.Id, ct) is not { } lease)
                continue;
            try
            {
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                var run = await db.Runs.FromSqlInterpolated($"""SELECT * FROM runs WHERE "Id" = {candidate.Id} AND "Status" = 'queued' FOR UPDATE SKIP LOCKED""")
                    .ToListAsync(ct) is [var locked] ? locked : null;
                if (run is null)
                {
                    await lease.DisposeAsync();
                    continue;
                }
                run.Status = RunStatus.Running;
                run.Phase = "starting";
                run.StartedAt = now;
                run.Attempts++;
                if (run.ReproduceOf is null)
                    await PinInputsAsync(db, run, pipeline, ct);
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                logger.LogInformation("Run {RunId} of {Pipeline} started ({Trigger}; triggers {Triggers})", run.Id, run.Pipeline, run.Trigger, string.Join(", ", run.Triggers));
                return (run.Id, lease);
            }
            catch
            {
                await lease.DisposeAsync();
                throw;
            }
        }
        return null;
    }

    static async Task PinInputsAsync(TrainingDbContext db, TrainingRun run, Pipeline? pipeline, CancellationToken ct)
    {
        if (pipeline is null)
            return;
        run.Definition = pipeline.Definition;
        run.DefinitionHash = pipeline.DefinitionHash;
        run.Dataset = pipeline.Dataset;
        var dataset = await db.Datasets.AsNoTracking().SingleOrDefaultAsync(d => d.Dataset == pipeline.Dataset, ct);
        if (dataset is null)
            return;
        run.DatasetNumber = dataset.Number;
        run.DatasetHash = dataset.Hash;
        run.BatchHashes = dataset.BatchHashes;
        run.BatchRows = dataset.BatchRows;
        run.DatasetRows = dataset.Rows;
    }
}

using MassTransit;
using Microsoft.EntityFrameworkCore;
using MlOps.Contracts;
using MlOps.ServiceDefaults.Messaging;
using MlOps.Training.Data;
using MlOps.Training.Runs;

namespace MlOps.Training.Consumers;

/// <summary>
/// Keeps this service's copy of each dataset's latest version and requests a run for every pipeline on the dataset
/// whose new rows, counted since the version its last run trained on, reach <c>retrain.minNewRows</c>.
/// </summary>
/// <remarks>
/// Versions only move forward: a redelivered or late (lower-numbered) version changes nothing and requests nothing.
/// </remarks>
public sealed class TrainOnNewDataConsumer(TrainingDbContext db, RunSignal signal, TimeProvider time, ILogger<TrainOnNewDataConsumer> logger)
    : IConsumer<DatasetVersionCreated>
{
    public async Task Consume(ConsumeContext<DatasetVersionCreated> context)
    {
        var v = context.Message;
        var ct = context.CancellationToken;
        if (!Names.IsValid(v.Dataset))
            throw new PermanentException($"DatasetVersionCreated names an invalid dataset '{v.Dataset}': {Names.Rule}");
        if (v.BatchRows.Count != v.BatchHashes.Count)
            throw new PermanentException($"DatasetVersionCreated {v.Dataset} v{v.Number} has {v.BatchHashes.Count} batch hashes but {v.BatchRows.Count} row counts");

        var now = time.GetUtcNow();
        var state = await db.Datasets.SingleOrDefaultAsync(d => d.Dataset == v.Dataset, ct);
        if (state is not null && state.Number >= v.Number)
        {
            logger.LogInformation("Dataset {Dataset} version {Number} is not newer than {Known}: nothing to do", v.Dataset, v.Number, state.Number);
            return;
        }
        if (state is null)
            db.Datasets.Add(state = new DatasetState { Dataset = v.Dataset, Hash = v.Hash });
        state.Number = v.Number;
        state.Hash = v.Hash;
        state.BatchHashes = [.. v.BatchHashes];
        state.BatchRows = [.. v.BatchRows];
        state.Rows = v.Rows;
        state.UpdatedAt = now;

        var pipelines = await db.Pipelines.Where(p => p.Dataset == v.Dataset).ToListAsync(ct);
        var requested = false;
        foreach (var pipeline in pipelines)
        {
            var minNewRows = pipeline.Definition.Retrain.MinNewRows;
            if (minNewRows <= 0)
                continue;
            // The baseline is the version the pipeline's latest run pinned (a queued run pins nothing yet: it will take the newest).
            var baseline = await db.Runs
                .Where(r => r.Pipeline == pipeline.Name && r.ReproduceOf == null && r.DatasetRows != null)
                .OrderByDescending(r => r.StartedAt)
                .Select(r => r.DatasetRows)
                .FirstOrDefaultAsync(ct) ?? 0;
            var newRows = v.Rows - baseline;
            if (newRows < minNewRows)
            {
                logger.LogInformation("Pipeline {Pipeline}: {NewRows} new rows in {Dataset} v{Number}, fewer than {MinNewRows}", pipeline.Name, newRows, v.Dataset, v.Number, minNewRows);
                continue;
            }
            var request = await RunRequests.RequestAsync(db, pipeline.Name, RunTriggers.NewData, ignoreCooldown: false, v.CorrelationId, now, ct);
            requested = true;
            logger.LogInformation("Pipeline {Pipeline}: {NewRows} new rows in {Dataset} v{Number} → run {RunId}{Coalesced}",
                pipeline.Name, newRows, v.Dataset, v.Number, request.Run.Id, request.Coalesced ? " (coalesced)" : "");
        }
        if (requested)
            signal.Notify();
    }
}

/// <summary>Versions of one dataset arrive in order from one outbox; one at a time keeps the version guard simple.</summary>
public sealed class TrainOnNewDataConsumerDefinition() : ServiceConsumerDefinition<TrainOnNewDataConsumer>(EventTopology.TrainOnNewData, concurrentMessageLimit: 1);

using MassTransit;
using Microsoft.EntityFrameworkCore;
using MlOps.Contracts;
using MlOps.ServiceDefaults.Messaging;
using MlOps.Training.Data;
using MlOps.Training.Runs;

namespace MlOps.Training.Consumers;

/// <summary>Requests a retrain of the drifting model's pipeline when its definition says <c>retrain.onDrift</c>.</summary>
public sealed class RetrainOnDriftConsumer(TrainingDbContext db, RunSignal signal, TimeProvider time, ILogger<RetrainOnDriftConsumer> logger)
    : IConsumer<DriftDetected>
{
    public async Task Consume(ConsumeContext<DriftDetected> context)
    {
        var drift = context.Message;
        if (!Names.IsValid(drift.Model))
            throw new PermanentException($"DriftDetected names an invalid model '{drift.Model}': {Names.Rule}");
        // Model name = pipeline name.
        var pipeline = await db.Pipelines.SingleOrDefaultAsync(p => p.Name == drift.Model, context.CancellationToken);
        if (pipeline is null || !pipeline.Definition.Retrain.OnDrift)
        {
            logger.LogInformation("Drift on {Model} v{Version} (share {Share:0.00}): {Why}", drift.Model, drift.Version, drift.DriftShare,
                pipeline is null ? "no pipeline of that name" : "retrain.onDrift is off");
            return;
        }
        var request = await RunRequests.RequestAsync(db, pipeline.Name, RunTriggers.Drift, ignoreCooldown: false, drift.CorrelationId, time.GetUtcNow(), context.CancellationToken);
        logger.LogInformation("Drift on {Model} v{Version} → run {RunId}{Coalesced}", drift.Model, drift.Version, request.Run.Id, request.Coalesced ? " (coalesced)" : "");
        signal.Notify();
    }
}

public sealed class RetrainOnDriftConsumerDefinition() : ServiceConsumerDefinition<RetrainOnDriftConsumer>(EventTopology.RetrainOnDrift, concurrentMessageLimit: 4);

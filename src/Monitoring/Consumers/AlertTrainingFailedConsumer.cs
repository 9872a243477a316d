using MassTransit;
using Microsoft.EntityFrameworkCore;
using MlOps.Contracts;
using MlOps.Monitoring.Alerts;
using MlOps.Monitoring.Data;
using MlOps.ServiceDefaults;
using MlOps.ServiceDefaults.Messaging;

namespace MlOps.Monitoring.Consumers;

/// <summary>POSTs a failed training run to its pipeline's webhook, when it has one.</summary>
public sealed class AlertTrainingFailedConsumer(MonitoringDbContext db, TimeProvider time, ILogger<AlertTrainingFailedConsumer> logger) : IConsumer<TrainingFailed>
{
    public async Task Consume(ConsumeContext<TrainingFailed> context)
    {
        var f = context.Message;
        if (!Names.IsValid(f.Pipeline))
            throw new PermanentException($"TrainingFailed names an invalid pipeline '{f.Pipeline}': {Names.Rule}");
        var model = await db.Models.AsNoTracking().SingleOrDefaultAsync(m => m.Name == f.Pipeline, context.CancellationToken);
        if (AlertQueue.Enqueue(db, model, f, f.OccurredAt, time.GetUtcNow(), logger))
            logger.LogInformation("{Pipeline}: run {RunId} failed; alert queued", f.Pipeline, f.RunId);
    }
}

using MassTransit;
using MlOps.Contracts;
using MlOps.Monitoring.Data;
using MlOps.ServiceDefaults;
using MlOps.ServiceDefaults.Messaging;

namespace MlOps.Monitoring.Consumers;

/// <summary>Keeps the part of a pipeline definition Monitoring needs: the drift policy, the retrain cooldown (debounce) and the alert webhook.</summary>
public sealed class RecordDriftPolicyConsumer(MonitoringDbContext db, TimeProvider time, ILogger<RecordDriftPolicyConsumer> logger) : IConsumer<PipelineDefined>
{
    public async Task Consume(ConsumeContext<PipelineDefined> context)
    {
        var p = context.Message;
        if (!Names.IsValid(p.Name))
            throw new PermanentException($"PipelineDefined names an invalid pipeline '{p.Name}': {Names.Rule}");
        if (p.Drift.WindowRows < 1)
            throw new PermanentException($"Pipeline '{p.Name}' defines drift.windowRows {p.Drift.WindowRows}; a window needs at least one row.");
        var now = time.GetUtcNow();
        var model = await ModelLock.AcquireAsync(db, p.Name, now, context.CancellationToken);
        // Definitions can arrive out of order: an older one never overwrites a newer one.
        if (model.DefinedAt is { } defined && p.OccurredAt < defined)
        {
            logger.LogInformation("Pipeline {Pipeline}: definition of {At} is older than the one kept ({Kept}); ignored", p.Name, p.OccurredAt, defined);
            return;
        }
        model.Task = p.Task.ToString().ToLowerInvariant();
        model.Target = p.Target;
        model.WindowRows = p.Drift.WindowRows;
        model.KsPValue = p.Drift.KsPValue;
        model.Psi = p.Drift.Psi;
        model.DriftShare = p.Drift.DriftShare;
        model.CooldownSeconds = p.Retrain.CooldownSeconds;
        model.Webhook = p.Alerts?.Webhook;
        model.DefinitionHash = p.DefinitionHash;
        model.DefinedAt = p.OccurredAt;
        model.UpdatedAt = now;
        logger.LogInformation("Pipeline {Pipeline}: windows of {Rows} rows, ks p < {P}, drift share ≥ {Share}, cooldown {Cooldown} s, webhook {Webhook}",
            p.Name, p.Drift.WindowRows, p.Drift.KsPValue, p.Drift.DriftShare, p.Retrain.CooldownSeconds, model.Webhook ?? "none");
    }
}

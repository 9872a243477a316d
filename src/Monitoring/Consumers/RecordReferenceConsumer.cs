using MassTransit;
using Microsoft.EntityFrameworkCore;
using MlOps.Contracts;
using MlOps.Monitoring.Data;
using MlOps.ServiceDefaults;
using MlOps.ServiceDefaults.Messaging;

namespace MlOps.Monitoring.Consumers;

/// <summary>Keeps every trained model's reference profile, target distribution and holdout metrics, keyed by its artifact.</summary>
public sealed class RecordReferenceConsumer(MonitoringDbContext db, TimeProvider time, ILogger<RecordReferenceConsumer> logger) : IConsumer<ModelTrained>
{
    public async Task Consume(ConsumeContext<ModelTrained> context)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        if (!Names.IsValid(m.Pipeline))
            throw new PermanentException($"ModelTrained names an invalid model '{m.Pipeline}': {Names.Rule}");
        var model = await ModelLock.AcquireAsync(db, m.Pipeline, time.GetUtcNow(), ct);
        if (await db.References.AnyAsync(r => r.Model == m.Pipeline && r.ArtifactHash == m.ArtifactHash, ct))
        {
            logger.LogInformation("{Model}: the reference of artifact {Hash} is already kept", m.Pipeline, m.ArtifactHash);
            return;
        }
        db.References.Add(new ModelReference
        {
            Model = m.Pipeline,
            ArtifactHash = m.ArtifactHash,
            // The promotion may have been handled first.
            Version = model.ChampionArtifactHash == m.ArtifactHash ? model.ChampionVersion : null,
            RunId = m.RunId,
            Task = m.Task?.ToString().ToLowerInvariant(),
            Target = m.Target,
            Features = [.. m.ReferenceProfile],
            TargetReference = m.TargetReference,
            Metrics = m.Metrics.ToDictionary(),
            TrainedAt = m.OccurredAt,
        });
        model.Task ??= m.Task?.ToString().ToLowerInvariant();
        model.Target ??= m.Target;
        logger.LogInformation("{Model}: kept the reference of run {RunId} ({Features} features{Target})", m.Pipeline, m.RunId, m.ReferenceProfile.Count,
            m.TargetReference is null ? "" : ", and the target");
    }
}

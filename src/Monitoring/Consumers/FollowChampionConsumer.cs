using MassTransit;
using Microsoft.EntityFrameworkCore;
using MlOps.Contracts;
using MlOps.Monitoring.Alerts;
using MlOps.Monitoring.Data;
using MlOps.ServiceDefaults;
using MlOps.ServiceDefaults.Messaging;

namespace MlOps.Monitoring.Consumers;

/// <summary>
/// Follows the champion: windows start again from the new champion's reference (the window being filled with the old
/// champion's predictions is dropped), and the promotion is alerted where the pipeline has a webhook.
/// </summary>
public sealed class FollowChampionConsumer(MonitoringDbContext db, TimeProvider time, ILogger<FollowChampionConsumer> logger) : IConsumer<ModelPromoted>
{
    public async Task Consume(ConsumeContext<ModelPromoted> context)
    {
        var p = context.Message;
        var ct = context.CancellationToken;
        if (!Names.IsValid(p.Model))
            throw new PermanentException($"ModelPromoted names an invalid model '{p.Model}': {Names.Rule}");
        var now = time.GetUtcNow();
        var model = await ModelLock.AcquireAsync(db, p.Model, now, ct);
        AlertQueue.Enqueue(db, model, p, p.OccurredAt, now, logger);
        if (model.PromotedAt is { } last && p.OccurredAt < last)
        {
            logger.LogInformation("{Model}: promotion of v{Version} at {At} is older than the champion's ({Last}); champion unchanged", p.Model, p.Version, p.OccurredAt, last);
            return;
        }
        if (model.ChampionVersion == p.Version && model.ChampionArtifactHash == p.ArtifactHash)
        {
            logger.LogInformation("{Model}: v{Version} is already the champion; its windows go on", p.Model, p.Version);
            return;
        }
        var reference = await db.References.SingleOrDefaultAsync(r => r.Model == p.Model && r.ArtifactHash == p.ArtifactHash, ct);
        if (reference is not null) reference.Version = p.Version;

        if (model.OpenRows > 0)
        {
            var open = model.OpenWindow;
            await db.Segments.Where(s => s.Model == p.Model && s.Window == open).ExecuteDeleteAsync(ct);
            await db.Predictions.Where(x => x.Model == p.Model && x.Window == open).ExecuteUpdateAsync(s => s.SetProperty(x => x.Window, (int?)null), ct);
            model.OpenWindow++;
            logger.LogInformation("{Model}: {Rows} rows of v{Old}'s unfinished window {Window} dropped; windows start again from v{Version}'s reference",
                p.Model, model.OpenRows, model.ChampionVersion, open, p.Version);
        }
        model.OpenRows = 0;
        model.OpenStart = model.OpenEnd = null;
        model.ChampionVersion = p.Version;
        model.ChampionArtifactHash = p.ArtifactHash;
        model.ChampionProfile = [.. p.ReferenceProfile];
        model.PromotedAt = p.OccurredAt;
        model.UpdatedAt = now;
        logger.LogInformation("{Model}: champion is now v{Version} ({Hash})", p.Model, p.Version, p.ArtifactHash);
    }
}

using MassTransit;
using MlOps.Contracts;
using MlOps.Serving.Data;
using MlOps.Serving.Models;
using MlOps.ServiceDefaults.Messaging;

namespace MlOps.Serving.Consumers;

/// <summary>
/// Serves each promoted version: records the promotion in servingdb (so a restart serves it at once), loads its
/// artifact and swaps it in. A promotion older than the one applied (see <see cref="PromotionStamp"/>) changes nothing;
/// a rollback is a newer promotion of an older version and is applied like any other.
/// </summary>
public sealed class SwapChampionConsumer(ServingDbContext db, ServedModels models, TimeProvider time, ILogger<SwapChampionConsumer> logger)
    : IConsumer<ModelPromoted>
{
    public async Task Consume(ConsumeContext<ModelPromoted> context)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        if (!Names.IsValid(m.Model))
            throw new PermanentException($"ModelPromoted names an invalid model '{m.Model}': {Names.Rule}");
        if (m.Version < 1 || string.IsNullOrWhiteSpace(m.ArtifactHash) || !m.ArtifactHash.StartsWith("sha256:", StringComparison.Ordinal))
            throw new PermanentException($"ModelPromoted for {m.Model} v{m.Version} has no valid version and sha256 artifact hash");

        var row = await ModelRows.LockAsync(db, m.Model, time.GetUtcNow(), ct);
        var stamp = new PromotionStamp(m.OccurredAt, m.Version);
        if (!stamp.IsNewerThan(PromotionStamp.Of(row)))
        {
            ServingTelemetry.StalePromotions.Add(1, new KeyValuePair<string, object?>("model", m.Model));
            logger.LogInformation("{Model}: promotion of v{Version} at {At:O} is older than the one applied ({Applied}); ignored", m.Model, m.Version, m.OccurredAt,
                PromotionStamp.Of(row));
            return;
        }
        row.ChampionVersion = m.Version;
        row.ChampionArtifactHash = m.ArtifactHash;
        row.ChampionPromotedAt = m.OccurredAt;
        if (m.Version > (row.LatestVersion ?? 0))
            (row.LatestVersion, row.LatestArtifactHash) = (m.Version, m.ArtifactHash);
        row.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await models.ApplyAsync(row, ct);
    }
}

/// <summary>Promotions of one model serialise on its row lock; loading an artifact takes a moment, so a few run at once.</summary>
public sealed class SwapChampionConsumerDefinition() : ServiceConsumerDefinition<SwapChampionConsumer>(EventTopology.ServeChampions, concurrentMessageLimit: 4);

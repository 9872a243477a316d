using MassTransit;
using MlOps.Contracts;
using MlOps.Serving.Data;
using MlOps.Serving.Models;
using MlOps.ServiceDefaults.Messaging;

namespace MlOps.Serving.Consumers;

/// <summary>Keeps each model's latest registered version: the candidate that predicts in shadow when its pipeline asks for it.</summary>
public sealed class TrackCandidateConsumer(ServingDbContext db, ServedModels models, TimeProvider time) : IConsumer<ModelRegistered>
{
    public async Task Consume(ConsumeContext<ModelRegistered> context)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        if (!Names.IsValid(m.Model))
            throw new PermanentException($"ModelRegistered names an invalid model '{m.Model}': {Names.Rule}");
        if (m.Version < 1 || string.IsNullOrWhiteSpace(m.ArtifactHash) || !m.ArtifactHash.StartsWith("sha256:", StringComparison.Ordinal))
            throw new PermanentException($"ModelRegistered for {m.Model} v{m.Version} has no valid version and sha256 artifact hash");

        var row = await ModelRows.LockAsync(db, m.Model, time.GetUtcNow(), ct);
        // Versions are numbered by the registry in order: a lower one arriving late is not the latest.
        if (m.Version <= (row.LatestVersion ?? 0))
            return;
        (row.LatestVersion, row.LatestArtifactHash) = (m.Version, m.ArtifactHash);
        row.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await models.ApplyAsync(row, ct);
    }
}

public sealed class TrackCandidateConsumerDefinition() : ServiceConsumerDefinition<TrackCandidateConsumer>(EventTopology.TrackServingCandidates, concurrentMessageLimit: 4);

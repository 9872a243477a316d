using MassTransit;
using Microsoft.EntityFrameworkCore;
using MlOps.ServiceDefaults.Messaging;
using MlOps.Contracts;
using MlOps.Registry.Data;
using MlOps.Registry.Gate;
using MlOps.ServiceDefaults.Outbox;

namespace MlOps.Registry.Consumers;

/// <summary>
/// Registers each trained model as the next version of its model and runs the promotion gate on it, in the inbox's
/// transaction: the version, the gate's decision, the alias move, the audit entry and the events commit together.
/// </summary>
/// <remarks>
/// Versions are numbered under a row lock on the model, so concurrent registrations for one model queue up and take
/// 1, 2, 3 … with no gap and no duplicate; a run already registered (a redelivery, or the same event published twice)
/// registers nothing.
/// </remarks>
public sealed class RegisterModelConsumer(RegistryDbContext db, PromotionGate gate, TimeProvider time, ILogger<RegisterModelConsumer> logger) : IConsumer<ModelTrained>
{
    public async Task Consume(ConsumeContext<ModelTrained> context)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        if (!Names.IsValid(m.Pipeline))
            throw new PermanentException($"ModelTrained names an invalid model '{m.Pipeline}': {Names.Rule}");
        if (string.IsNullOrWhiteSpace(m.ArtifactHash) || !m.ArtifactHash.StartsWith("sha256:", StringComparison.Ordinal))
            throw new PermanentException($"ModelTrained for run {m.RunId} has no sha256 artifact hash");

        using var activity = RegistryTelemetry.Source.StartActivity("register model");
        activity?.SetTag("mlops.model", m.Pipeline);
        activity?.SetTag("mlops.run_id", m.RunId.ToString());
        var model = await LockModelAsync(m.Pipeline, time.GetUtcNow(), ct);
        // Taken under the model's row lock: the promotions of one model carry increasing times in the order they are
        // made, which is how Serving orders ModelPromoted events that arrive out of order.
        var now = time.GetUtcNow();
        var existing = await db.Versions.AsNoTracking().Where(v => v.RunId == m.RunId).Select(v => new { v.Model, v.Version }).FirstOrDefaultAsync(ct);
        if (existing is not null)
        {
            logger.LogInformation("Run {RunId} is already registered as {Model} v{Version}: nothing new", m.RunId, existing.Model, existing.Version);
            return;
        }

        var version = NewVersion(m, model.LatestVersion + 1, now);
        model.LatestVersion = version.Version;
        model.UpdatedAt = now;
        db.Versions.Add(version);
        db.AddEvent(new ModelRegistered(m.Pipeline, version.Version, m.RunId, m.ArtifactHash, m.Metrics, m.DatasetVersion, m.CorrelationId, now), m.CorrelationId, time);
        RegistryTelemetry.Versions.Add(1, new KeyValuePair<string, object?>("model", m.Pipeline));
        activity?.SetTag("mlops.version", version.Version);

        await gate.DecideAsync(db, model, version, now, ct);
        logger.LogInformation("Registered {Model} v{Version} from run {RunId}: {Decision} ({Reason})", m.Pipeline, version.Version, m.RunId, version.GateDecision, version.GateReason);
    }

    async Task<RegisteredModel> LockModelAsync(string name, DateTimeOffset now, CancellationToken ct)
    {
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"""INSERT INTO models ("Name", "LatestVersion", "CreatedAt", "UpdatedAt") VALUES ({name}, 0, {now}, {now}) ON CONFLICT ("Name") DO NOTHING""", ct);
        // The inbox commits this transaction with the version and the inbox row, so the row lock holds until then.
        if (db.Database.CurrentTransaction is null)
        {
            await db.Database.BeginTransactionAsync(ct);
        }
        var locked = await db.Models.FromSqlInterpolated($"""SELECT * FROM models WHERE "Name" = {name} FOR UPDATE""").ToListAsync(ct);
        return locked.Single();
    }

    static ModelVersion NewVersion(ModelTrained m, int number, DateTimeOffset now) => new()
    {
        Model = m.Pipeline,
        Version = number,
        RunId = m.RunId,
        ArtifactHash = m.ArtifactHash,
        Dataset = m.DatasetVersion.Dataset,
        DatasetNumber = m.DatasetVersion.Number,
        DatasetHash = m.DatasetVersion.Hash,
        BatchHashes = [.. m.DatasetVersion.BatchHashes],
        BatchRows = m.DatasetVersion.BatchRows?.ToList(),
        DatasetRows = m.DatasetVersion.Rows,
        DefinitionHash = m.DefinitionHash,
        Trainer = m.Trainer,
        Params = m.Hyperparameters.ToDictionary(),
        Seed = m.Seed,
        CodeVersion = m.CodeVersion,
        Metrics = m.Metrics.ToDictionary(),
        ReferenceProfile = [.. m.ReferenceProfile],
        Task = m.Task?.ToString().ToLowerInvariant(),
        Target = m.Target,
        TrainRows = m.TrainRows,
        Holdout = m.Holdout,
        Promotion = m.Promotion,
        Trigger = m.Trigger,
        CorrelationId = m.CorrelationId,
        TrainedAt = m.OccurredAt,
        RegisteredAt = now,
        GateDecision = "pending",
        GateReason = "",
    };
}

/// <summary>Registrations of one model serialise on its row lock; a few at once keep other models moving meanwhile.</summary>
public sealed class RegisterModelConsumerDefinition() : ServiceConsumerDefinition<RegisterModelConsumer>(EventTopology.RegisterModel, concurrentMessageLimit: 8);

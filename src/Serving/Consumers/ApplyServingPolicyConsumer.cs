using MassTransit;
using MlOps.Contracts;
using MlOps.Serving.Data;
using MlOps.Serving.Models;
using MlOps.ServiceDefaults.Messaging;

namespace MlOps.Serving.Consumers;

/// <summary>Keeps the part of each pipeline definition Serving needs: its shadow share (model name = pipeline name).</summary>
public sealed class ApplyServingPolicyConsumer(ServingDbContext db, ServedModels models, TimeProvider time) : IConsumer<PipelineDefined>
{
    public async Task Consume(ConsumeContext<PipelineDefined> context)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        if (!Names.IsValid(m.Name))
            throw new PermanentException($"PipelineDefined names an invalid pipeline '{m.Name}': {Names.Rule}");
        var share = m.Serving?.ShadowShare ?? 0;
        if (double.IsNaN(share) || share < 0 || share > 1)
            throw new PermanentException($"PipelineDefined for {m.Name} has serving.shadowShare {share}; it must be between 0 and 1");

        var row = await ModelRows.LockAsync(db, m.Name, time.GetUtcNow(), ct);
        // Definitions are applied in the order they were made, not the order they arrive.
        if (row.PolicyDefinedAt is { } applied && m.OccurredAt <= applied)
            return;
        (row.ShadowShare, row.PolicyDefinedAt) = (share, m.OccurredAt);
        row.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await models.ApplyAsync(row, ct);
    }
}

public sealed class ApplyServingPolicyConsumerDefinition() : ServiceConsumerDefinition<ApplyServingPolicyConsumer>(EventTopology.ApplyServingPolicy, concurrentMessageLimit: 4);

using MassTransit;
using Microsoft.EntityFrameworkCore;
using MlOps.Contracts;
using MlOps.Ingestion.Data;
using DatasetVersion = MlOps.Ingestion.Data.DatasetVersion;

namespace MlOps.Ingestion.Consumers;

/// <summary>Moves a batch to validated or rejected, keeping the anomalies Validation found.</summary>
public sealed class RecordValidationResultConsumer(IngestionDbContext db, TimeProvider time)
    : IConsumer<DataValidated>, IConsumer<DataRejected>
{
    public async Task Consume(ConsumeContext<DataValidated> context)
    {
        var batch = await RecordAsync(context.Message.BatchId, BatchStatus.Validated, context.Message.ReportId, context.Message.Warnings, context.CancellationToken);
        if (batch is not null)
            await AppendVersionAsync(batch, context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<DataRejected> context) =>
        await RecordAsync(context.Message.BatchId, BatchStatus.Rejected, context.Message.ReportId, context.Message.Anomalies, context.CancellationToken);

    async Task<Batch?> RecordAsync(Guid batchId, string status, Guid reportId, IReadOnlyList<Anomaly> anomalies, CancellationToken ct)
    {
        // A rejected submission that never became a batch: nothing to update here.
        if (batchId == Guid.Empty)
            return null;
        var batch = await db.Batches.SingleOrDefaultAsync(b => b.Id == batchId, ct)
            ?? throw new InvalidOperationException($"Validation result for unknown batch {batchId}");
        batch.Status = status;
        batch.ReportId = reportId;
        batch.Anomalies = [.. anomalies];
        batch.DecidedAt = time.GetUtcNow();
        return batch;
    }

    async Task AppendVersionAsync(Batch batch, CancellationToken ct)
    {
        var latest = await db.Versions.Where(v => v.Dataset == batch.Dataset).OrderByDescending(v => v.Number).FirstOrDefaultAsync(ct);
        if (latest?.BatchHashes.Contains(batch.ContentHash) == true)
            return;
        List<string> hashes = [.. latest?.BatchHashes ?? [], batch.ContentHash];
        db.Versions.Add(new DatasetVersion
        {
            Dataset = batch.Dataset,
            Number = (latest?.Number ?? 0) + 1,
            Hash = DatasetVersion.HashOf(hashes),
            BatchHashes = hashes,
            Rows = (latest?.Rows ?? 0) + batch.Rows,
            CreatedAt = time.GetUtcNow(),
        });
    }
}

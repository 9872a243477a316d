using MassTransit;
using Microsoft.EntityFrameworkCore;
using MlOps.Contracts;
using MlOps.Ingestion.Data;
using MlOps.ServiceDefaults.Messaging;
using MlOps.ServiceDefaults.Outbox;
using DatasetVersion = MlOps.Ingestion.Data.DatasetVersion;

namespace MlOps.Ingestion.Consumers;

/// <summary>
/// Moves a batch to validated or rejected, keeping the anomalies Validation found; an accepted batch is appended to its
/// dataset as a new version and <see cref="DatasetVersionCreated"/> is published with it.
/// </summary>
/// <remarks>
/// Results of one dataset may arrive together (several Validation consumers, replicas): appending takes a per-dataset
/// lock for the rest of the short transaction, so version numbers never collide. A result for a batch already decided
/// changes nothing (it is a redelivery or arrived out of order).
/// </remarks>
public sealed class RecordValidationResultConsumer(IngestionDbContext db, TimeProvider time, ILogger<RecordValidationResultConsumer> logger)
    : IConsumer<DataValidated>, IConsumer<DataRejected>
{
    public async Task Consume(ConsumeContext<DataValidated> context)
    {
        var m = context.Message;
        var batch = await RecordAsync(m.BatchId, BatchStatus.Validated, m.ReportId, m.Warnings, context.CancellationToken);
        if (batch is not null)
            await AppendVersionAsync(batch, context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<DataRejected> context)
    {
        var m = context.Message;
        // A rejected submission that never became a batch: nothing to update here.
        if (m.BatchId != Guid.Empty)
            await RecordAsync(m.BatchId, BatchStatus.Rejected, m.ReportId, m.Anomalies, context.CancellationToken);
    }

    async Task<Batch?> RecordAsync(Guid batchId, string status, Guid reportId, IReadOnlyList<Anomaly> anomalies, CancellationToken ct)
    {
        if (batchId == Guid.Empty)
            throw new PermanentException($"A {status} result without a batch id");
        // The inbox filter commits this transaction together with the inbox row.
        await db.Database.BeginTransactionAsync(ct);
        var batch = await db.Batches.FromSqlInterpolated($"SELECT * FROM batches WHERE \"Id\" = {batchId} FOR UPDATE").SingleOrDefaultAsync(ct)
            ?? throw new PermanentException($"Validation result for unknown batch {batchId}: no batch with that id was ever received here");
        if (batch.Status != BatchStatus.Arrived)
        {
            if (batch.Status != status)
                logger.LogWarning("Batch {BatchId} is already {Status}; a later {NewStatus} result is ignored", batchId, batch.Status, status);
            return null;
        }
        batch.Status = status;
        batch.ReportId = reportId;
        batch.Anomalies = [.. anomalies];
        batch.DecidedAt = time.GetUtcNow();
        IngestionTelemetry.BatchesDecided.Add(1, new("dataset", batch.Dataset), new("outcome", status));
        return batch;
    }

    async Task AppendVersionAsync(Batch batch, CancellationToken ct)
    {
        // Serialises appends per dataset until commit: the next number is read and written by one transaction at a time.
        await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock(hashtextextended({"dataset-version:" + batch.Dataset}, 0))", ct);
        var latest = await db.Versions.AsNoTracking().Where(v => v.Dataset == batch.Dataset).OrderByDescending(v => v.Number).FirstOrDefaultAsync(ct);
        if (latest?.BatchHashes.Contains(batch.ContentHash) == true)
            return;
        List<string> hashes = [.. latest?.BatchHashes ?? [], batch.ContentHash];
        var rows = await BatchRowsAsync(batch, latest, ct);
        var version = new DatasetVersion
        {
            Dataset = batch.Dataset,
            Number = (latest?.Number ?? 0) + 1,
            Hash = DatasetVersion.HashOf(hashes),
            BatchHashes = hashes,
            BatchRows = rows,
            Rows = (latest?.Rows ?? 0) + batch.Rows,
            CreatedAt = time.GetUtcNow(),
        };
        db.Versions.Add(version);
        db.AddEvent(new DatasetVersionCreated(version.Dataset, version.Number, version.Hash, version.BatchHashes, version.BatchRows, version.Rows,
            batch.CorrelationId, version.CreatedAt), batch.CorrelationId, time);
    }

    /// <summary>Each batch's rows in version order; versions written before rows were recorded get them from their batches.</summary>
    async Task<List<long>> BatchRowsAsync(Batch batch, DatasetVersion? latest, CancellationToken ct)
    {
        if (latest is null)
            return [batch.Rows];
        if (latest.BatchRows.Count == latest.BatchHashes.Count)
            return [.. latest.BatchRows, batch.Rows];
        var rowsByHash = await db.Batches.AsNoTracking()
            .Where(b => b.Dataset == batch.Dataset && latest.BatchHashes.Contains(b.ContentHash))
            .ToDictionaryAsync(b => b.ContentHash, b => b.Rows, ct);
        return [.. latest.BatchHashes.Select(h => rowsByHash.GetValueOrDefault(h)), batch.Rows];
    }
}

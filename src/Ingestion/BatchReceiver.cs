using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MlOps.Contracts;
using MlOps.Ingestion.Data;
using MlOps.ServiceDefaults.Blobs;
using MlOps.ServiceDefaults.Http;
using MlOps.ServiceDefaults.Outbox;
using MlOps.ServiceDefaults.Tabular;
using Npgsql;

namespace MlOps.Ingestion;

/// <summary>The outcome of receiving a batch: the batch, and whether it was new or the same bytes seen before.</summary>
public sealed record ReceivedBatch(Batch Batch, bool Duplicate);

/// <summary>
/// Stores a batch's bytes under their content address, reads them once to infer columns and count rows, and records the
/// batch together with its <see cref="DataArrived"/> event in one transaction.
/// </summary>
public sealed class BatchReceiver(IngestionDbContext db, IBlobStore blobs, IOptions<IngestionOptions> options, TimeProvider time, ILogger<BatchReceiver> logger)
{
    /// <param name="storeUnreadable">
    /// For senders that cannot be answered (the bus): an empty or unreadable batch is recorded as rejected and
    /// <see cref="DataRejected"/> is published with the reason. Otherwise (HTTP) it is answered with a 400 problem.
    /// </param>
    public async Task<ReceivedBatch> ReceiveAsync(string dataset, string format, Stream body, string source, string? idempotencyKey, CancellationToken ct,
        bool storeUnreadable = false)
    {
        if (idempotencyKey is not null && await FindAsync(b => b.Dataset == dataset && b.IdempotencyKey == idempotencyKey, ct) is { } replay)
            return new ReceivedBatch(replay, Duplicate: true);

        var blob = await blobs.PutAsync(body, ct);
        if (await FindAsync(b => b.Dataset == dataset && b.ContentHash == blob.Key, ct) is { } existing)
            return new ReceivedBatch(existing, Duplicate: true);

        TabularScan scan;
        try
        {
            if (blob.Length == 0)
                throw new TabularFormatException("the batch is empty: send a CSV with a header row, or NDJSON with one object per line", 1);
            scan = await ScanAsync(blob, format, ct);
        }
        catch (TabularFormatException ex) when (storeUnreadable)
        {
            return await RecordUnreadableAsync(dataset, format, blob, source, idempotencyKey, ex, ct);
        }
        catch (TabularFormatException ex)
        {
            var title = blob.Length == 0 ? "Empty batch" : $"Unreadable {format.ToUpperInvariant()}";
            throw new RequestProblemException(StatusCodes.Status400BadRequest, title,
                blob.Length == 0 ? $"The request body is empty: {ex.Message[(ex.Message.IndexOf(':') + 2)..]}." : $"{ex.Message}. The bytes are kept in the blob store as {blob.Key}.");
        }
        var batch = new Batch
        {
            Id = Guid.CreateVersion7(),
            Dataset = dataset,
            ContentHash = blob.Key,
            Format = format,
            Bytes = blob.Length,
            Rows = scan.Rows,
            Columns = [.. scan.Columns],
            Status = BatchStatus.Arrived,
            Source = source,
            IdempotencyKey = idempotencyKey,
            CorrelationId = Guid.NewGuid(),
            ReceivedAt = time.GetUtcNow(),
        };
        return await SaveAsync(batch, new DataArrived(batch.Id, dataset, blob.Key, format, scan.Rows, scan.Columns, source, blob.Key, batch.CorrelationId, batch.ReceivedAt), ct);
    }

    async Task<ReceivedBatch> RecordUnreadableAsync(string dataset, string format, BlobInfo blob, string source, string? idempotencyKey, TabularFormatException ex, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var anomaly = new Anomaly(Severities.Error, "unparseable", null, ex.Message, ex.Line);
        var batch = new Batch
        {
            Id = Guid.CreateVersion7(),
            Dataset = dataset,
            ContentHash = blob.Key,
            Format = format,
            Bytes = blob.Length,
            Status = BatchStatus.Rejected,
            Anomalies = [anomaly],
            Source = source,
            IdempotencyKey = idempotencyKey,
            CorrelationId = Guid.NewGuid(),
            ReceivedAt = now,
            DecidedAt = now,
        };
        return await SaveAsync(batch, new DataRejected(batch.Id, dataset, blob.Key, Guid.Empty, [anomaly], batch.CorrelationId, now), ct);
    }

    async Task<ReceivedBatch> SaveAsync<TEvent>(Batch batch, TEvent evt, CancellationToken ct)
        where TEvent : class
    {
        var (dataset, idempotencyKey, blobKey) = (batch.Dataset, batch.IdempotencyKey, batch.ContentHash);
        db.Batches.Add(batch);
        db.AddEvent(evt, batch.CorrelationId, time);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // The same bytes (or idempotency key) arrived concurrently and the other request won: answer with its batch.
            db.ChangeTracker.Clear();
            var winner = await FindAsync(b => b.Dataset == dataset && (b.ContentHash == blobKey || (idempotencyKey != null && b.IdempotencyKey == idempotencyKey)), ct);
            return new ReceivedBatch(winner ?? throw new InvalidOperationException("unique violation without a matching batch", ex), Duplicate: true);
        }
        logger.LogInformation("Batch {BatchId} of {Dataset} {Status}: {Rows} rows, {Columns} columns, {ContentHash}", batch.Id, dataset, batch.Status, batch.Rows, batch.Columns.Count, blobKey);
        return new ReceivedBatch(batch, Duplicate: false);
    }

    async Task<TabularScan> ScanAsync(BlobInfo blob, string format, CancellationToken ct)
    {
        var limits = new TabularLimits(options.Value.MaxColumns, options.Value.MaxFieldLength);
        await using var content = await blobs.OpenReadAsync(blob.Key, ct);
        // The scan reads synchronously (one chunk at a time); keep it off the request thread.
        return await Task.Run(() => TabularScanner.Scan(content, format, limits), ct);
    }

    Task<Batch?> FindAsync(System.Linq.Expressions.Expression<Func<Batch, bool>> predicate, CancellationToken ct) =>
        db.Batches.AsNoTracking().SingleOrDefaultAsync(predicate, ct);
}

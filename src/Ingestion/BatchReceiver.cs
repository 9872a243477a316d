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
    public async Task<ReceivedBatch> ReceiveAsync(string dataset, string format, Stream body, string source, string? idempotencyKey, CancellationToken ct)
    {
        if (idempotencyKey is not null && await FindAsync(b => b.Dataset == dataset && b.IdempotencyKey == idempotencyKey, ct) is { } replay)
            return new ReceivedBatch(replay, Duplicate: true);

        var blob = await blobs.PutAsync(body, ct);
        if (blob.Length == 0)
            throw new RequestProblemException(StatusCodes.Status400BadRequest, "Empty batch", "The request body is empty: send a CSV with a header row, or NDJSON with one object per line.");

        if (await FindAsync(b => b.Dataset == dataset && b.ContentHash == blob.Key, ct) is { } existing)
            return new ReceivedBatch(existing, Duplicate: true);

        var scan = await ScanAsync(blob, format, ct);
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
        db.Batches.Add(batch);
        db.AddEvent(new DataArrived(batch.Id, dataset, blob.Key, format, scan.Rows, scan.Columns, source, blob.Key, batch.CorrelationId, batch.ReceivedAt),
            batch.CorrelationId, time);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // The same bytes (or idempotency key) arrived concurrently and the other request won: answer with its batch.
            db.ChangeTracker.Clear();
            var winner = await FindAsync(b => b.Dataset == dataset && (b.ContentHash == blob.Key || (idempotencyKey != null && b.IdempotencyKey == idempotencyKey)), ct);
            return new ReceivedBatch(winner ?? throw new InvalidOperationException("unique violation without a matching batch", ex), Duplicate: true);
        }
        logger.LogInformation("Batch {BatchId} of {Dataset}: {Rows} rows, {Columns} columns, {ContentHash}", batch.Id, dataset, scan.Rows, scan.Columns.Count, blob.Key);
        return new ReceivedBatch(batch, Duplicate: false);
    }

    async Task<TabularScan> ScanAsync(BlobInfo blob, string format, CancellationToken ct)
    {
        var limits = new TabularLimits(options.Value.MaxColumns, options.Value.MaxFieldLength);
        await using var content = await blobs.OpenReadAsync(blob.Key, ct);
        try
        {
            // The scan reads synchronously (one chunk at a time); keep it off the request thread.
            return await Task.Run(() => TabularScanner.Scan(content, format, limits), ct);
        }
        catch (TabularFormatException ex)
        {
            throw new RequestProblemException(StatusCodes.Status400BadRequest, $"Unreadable {format.ToUpperInvariant()}",
                $"{ex.Message}. The bytes are kept in the blob store as {blob.Key}.");
        }
    }

    Task<Batch?> FindAsync(System.Linq.Expressions.Expression<Func<Batch, bool>> predicate, CancellationToken ct) =>
        db.Batches.AsNoTracking().SingleOrDefaultAsync(predicate, ct);
}

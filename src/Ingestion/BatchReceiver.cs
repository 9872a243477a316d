using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MlOps.Contracts;
using MlOps.Ingestion.Data;
using MlOps.ServiceDefaults.Blobs;
using MlOps.ServiceDefaults.Http;
using MlOps.ServiceDefaults.Outbox;
using MlOps.ServiceDefaults.Batches;
using MlOps.Tabular;
using Npgsql;
using System.IO.Pipelines;

namespace MlOps.Ingestion;

/// <summary>The outcome of receiving a batch: the batch, and whether it was new or the same bytes seen before.</summary>
public sealed record ReceivedBatch(Batch Batch, bool Duplicate);

/// <summary>
/// Stores a batch's bytes under their content address while reading them to infer columns and count rows, and records
/// the batch together with its <see cref="DataArrived"/> event in one transaction.
/// </summary>
public sealed class BatchReceiver(IngestionDbContext db, IBlobStore blobs, IOptions<IngestionOptions> options, TimeProvider time, ILogger<BatchReceiver> logger)
{
    /// <param name="storeUnreadable">
    /// For senders that cannot be answered (the bus): an empty or unreadable batch is recorded as rejected and
    /// <see cref="DataRejected"/> is published with the reason. Otherwise (HTTP) it is answered with a 400 problem.
    /// </param>
    /// <param name="correlationId">The sender's correlation id (a bus submission's), kept by the batch and every event after it; new when none.</param>
    public async Task<ReceivedBatch> ReceiveAsync(string dataset, string format, Stream body, string source, string? idempotencyKey, CancellationToken ct,
        bool storeUnreadable = false, Guid? correlationId = null)
    {
        if (idempotencyKey is not null && await FindAsync(b => b.Dataset == dataset && b.IdempotencyKey == idempotencyKey, ct) is { } replay)
            return new ReceivedBatch(replay, Duplicate: true);

        var (blob, scan, unreadable) = await StoreAndScanAsync(body, format, ct);
        if (await FindAsync(b => b.Dataset == dataset && b.ContentHash == blob.Key, ct) is { } existing)
            return new ReceivedBatch(existing, Duplicate: true);

        const string emptyAdvice = "send a CSV with a header row, or NDJSON with one object per line";
        if (blob.Length == 0)
            unreadable = new TabularFormatException($"the batch is empty: {emptyAdvice}", 1);
        if (unreadable is not null)
        {
            if (storeUnreadable)
            {
                var anomaly = new Anomaly(Severities.Error, "unparseable", null, unreadable.Message, unreadable.Line);
                var rejected = NewBatch(dataset, format, blob, source, idempotencyKey, BatchStatus.Rejected, correlationId);
                rejected.Anomalies = [anomaly];
                rejected.DecidedAt = rejected.ReceivedAt;
                return await SaveAsync(rejected, new DataRejected(rejected.Id, dataset, blob.Key, Guid.Empty, [anomaly], rejected.CorrelationId, rejected.ReceivedAt), ct);
            }
            throw blob.Length == 0
                ? new RequestProblemException(StatusCodes.Status400BadRequest, "Empty batch", $"The request body is empty: {emptyAdvice}.")
                : new RequestProblemException(StatusCodes.Status400BadRequest, $"Unreadable {format.ToUpperInvariant()}",
                    $"{unreadable.Message}. The bytes are kept in the blob store as {blob.Key}.");
        }

        var batch = NewBatch(dataset, format, blob, source, idempotencyKey, BatchStatus.Arrived, correlationId);
        batch.Rows = scan!.Rows;
        batch.Columns = [.. scan.Columns];
        return await SaveAsync(batch, new DataArrived(batch.Id, dataset, blob.Key, format, scan.Rows, scan.Columns, source, blob.Key, batch.CorrelationId, batch.ReceivedAt), ct);
    }

    Batch NewBatch(string dataset, string format, BlobInfo blob, string source, string? idempotencyKey, string status, Guid? correlationId) => new()
    {
        Id = Guid.CreateVersion7(),
        Dataset = dataset,
        ContentHash = blob.Key,
        Format = format,
        Bytes = blob.Length,
        Status = status,
        Source = source,
        IdempotencyKey = idempotencyKey,
        CorrelationId = correlationId is { } id && id != Guid.Empty ? id : Guid.NewGuid(),
        ReceivedAt = time.GetUtcNow(),
    };

    /// <summary>
    /// Reads the body once: its bytes go to the blob store while the scanner, on another thread, reads the same bytes
    /// from a bounded pipe. A batch that cannot be read is still stored whole (the scanner just stops taking copies).
    /// </summary>
    async Task<(BlobInfo Blob, BatchScan? Scan, TabularFormatException? Unreadable)> StoreAndScanAsync(Stream body, string format, CancellationToken ct)
    {
        var limits = new TabularLimits(options.Value.MaxColumns, options.Value.MaxFieldLength);
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 4 << 20, resumeWriterThreshold: 2 << 20));
        var scanning = Task.Run(() =>
        {
            // Disposing the stream completes the pipe's reader, which tells the copying side to stop.
            using var copy = pipe.Reader.AsStream();
            try { return (BatchScan.Scan(copy, format, limits), (TabularFormatException?)null); }
            catch (TabularFormatException ex) { return ((BatchScan?)null, ex); }
        }, CancellationToken.None);

        BlobInfo blob;
        try
        {
            blob = await blobs.PutAsync(new TeeStream(body, pipe.Writer), ct);
        }
        finally
        {
            await pipe.Writer.CompleteAsync();
        }
        var (scan, unreadable) = await scanning;
        return (blob, scan, unreadable);
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
            // The same bytes (or idempotency key) arrived concurrently and the other request won: an expected race, not an
            // error. Answer with the winner's batch.
            db.ChangeTracker.Clear();
            var winner = await FindAsync(b => b.Dataset == dataset && (b.ContentHash == blobKey || (idempotencyKey != null && b.IdempotencyKey == idempotencyKey)), ct)
                ?? throw new InvalidOperationException("unique violation without a matching batch", ex);
            logger.LogInformation("Batch of {Dataset} with {ContentHash} was received concurrently; answering with batch {BatchId}", dataset, blobKey, winner.Id);
            return new ReceivedBatch(winner, Duplicate: true);
        }
        logger.LogInformation("Batch {BatchId} of {Dataset} {Status}: {Rows} rows, {Columns} columns, {ContentHash}", batch.Id, dataset, batch.Status, batch.Rows, batch.Columns.Count, blobKey);
        IngestionTelemetry.BatchesReceived.Add(1, new("dataset", dataset), new("status", batch.Status));
        IngestionTelemetry.RowsReceived.Add(batch.Rows, new KeyValuePair<string, object?>("dataset", dataset));
        return new ReceivedBatch(batch, Duplicate: false);
    }

    Task<Batch?> FindAsync(System.Linq.Expressions.Expression<Func<Batch, bool>> predicate, CancellationToken ct) =>
        db.Batches.AsNoTracking().SingleOrDefaultAsync(predicate, ct);
}

using System.Text;
using MassTransit;
using MlOps.Contracts;
using MlOps.Ingestion.Data;
using MlOps.ServiceDefaults.Blobs;
using MlOps.ServiceDefaults.Outbox;

namespace MlOps.Ingestion.Consumers;

/// <summary>
/// Batches from upstream systems that publish rather than call: inline content or a blob reference, received exactly
/// as an HTTP batch would be. A batch that cannot be read is recorded as rejected with the reason (there is nobody to
/// answer a 400 to); a submission that names no usable data is rejected with <see cref="DataRejected"/> too.
/// </summary>
public sealed class SubmitBatchConsumer(BatchReceiver receiver, IngestionDbContext db, IBlobStore blobs, TimeProvider time, ILogger<SubmitBatchConsumer> logger) : IConsumer<BatchSubmitted>
{
    public async Task Consume(ConsumeContext<BatchSubmitted> context)
    {
        var submitted = context.Message;
        var ct = context.CancellationToken;
        var problem = Problem(submitted);
        if (problem is not null)
        {
            // Nothing to store: answer with a rejection event so the sender learns why.
            logger.LogWarning("Rejected BatchSubmitted for {Dataset} from {Source}: {Problem}", submitted.Dataset, submitted.Source, problem);
            Reject(submitted, "", new Anomaly("ERROR", "invalid_submission", null, problem));
            return;
        }

        await using var content = submitted.Content is not null
            ? new MemoryStream(Encoding.UTF8.GetBytes(submitted.Content))
            : await OpenBlobAsync(submitted.BlobRef!, ct);
        if (content is null)
        {
            Reject(submitted, submitted.BlobRef!, new Anomaly("ERROR", "blob_not_found", null, $"blob {submitted.BlobRef} is not in the blob store"));
            return;
        }
        var received = await receiver.ReceiveAsync(submitted.Dataset, submitted.Format, content, submitted.Source, submitted.IdempotencyKey, ct,
            storeUnreadable: true, correlationId: submitted.CorrelationId);
        logger.LogInformation("BatchSubmitted for {Dataset} from {Source}: batch {BatchId} ({Status}{Duplicate})",
            submitted.Dataset, submitted.Source, received.Batch.Id, received.Batch.Status, received.Duplicate ? ", duplicate" : "");
    }

    /// <summary>No batch exists for a submission like this, so the rejection carries an empty batch id.</summary>
    void Reject(BatchSubmitted submitted, string contentHash, Anomaly anomaly) =>
        db.AddEvent(new DataRejected(Guid.Empty, submitted.Dataset ?? "", contentHash, Guid.Empty, [anomaly], submitted.CorrelationId, time.GetUtcNow()),
            submitted.CorrelationId, time);

    async Task<Stream?> OpenBlobAsync(string key, CancellationToken ct)
    {
        try { return await blobs.OpenReadAsync(key, ct); }
        catch (BlobNotFoundException) { return null; }
    }

    static string? Problem(BatchSubmitted s)
    {
        if (string.IsNullOrWhiteSpace(s.Dataset) || !Names.IsValid(s.Dataset))
            return $"dataset name '{s.Dataset}' is invalid: {Names.Rule}";
        if (s.Format is not (BatchFormats.Csv or BatchFormats.Ndjson))
            return $"format '{s.Format}' is not csv or ndjson";
        if ((s.Content is null) == (s.BlobRef is null))
            return "exactly one of content (inline) or blobRef must be set";
        return null;
    }
}

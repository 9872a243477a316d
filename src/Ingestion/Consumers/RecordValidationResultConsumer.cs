using MassTransit;
using Microsoft.EntityFrameworkCore;
using MlOps.Contracts;
using MlOps.Ingestion.Data;

namespace MlOps.Ingestion.Consumers;

/// <summary>Moves a batch to validated or rejected, keeping the anomalies Validation found.</summary>
public sealed class RecordValidationResultConsumer(IngestionDbContext db, TimeProvider time)
    : IConsumer<DataValidated>, IConsumer<DataRejected>
{
    public Task Consume(ConsumeContext<DataValidated> context) =>
        RecordAsync(context.Message.BatchId, BatchStatus.Validated, context.Message.ReportId, context.Message.Warnings, context.CancellationToken);

    public Task Consume(ConsumeContext<DataRejected> context) =>
        RecordAsync(context.Message.BatchId, BatchStatus.Rejected, context.Message.ReportId, context.Message.Anomalies, context.CancellationToken);

    async Task RecordAsync(Guid batchId, string status, Guid reportId, IReadOnlyList<Anomaly> anomalies, CancellationToken ct)
    {
        var batch = await db.Batches.SingleOrDefaultAsync(b => b.Id == batchId, ct)
            ?? throw new InvalidOperationException($"Validation result for unknown batch {batchId}");
        batch.Status = status;
        batch.ReportId = reportId;
        batch.Anomalies = [.. anomalies];
        batch.DecidedAt = time.GetUtcNow();
    }
}

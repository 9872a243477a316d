using MassTransit;
using MlOps.Contracts;
using MlOps.ServiceDefaults.Blobs;
using MlOps.ServiceDefaults.Outbox;
using MlOps.ServiceDefaults.Tabular;
using MlOps.Validation.Data;

namespace MlOps.Validation.Consumers;

/// <summary>
/// Reads an arrived batch from the blob store and decides: any ERROR anomaly rejects it (with every anomaly found),
/// otherwise it is validated (with its warnings). Either way a report is kept.
/// </summary>
public sealed class ValidateBatchConsumer(ValidationDbContext db, IBlobStore blobs, TimeProvider time, ILogger<ValidateBatchConsumer> logger)
    : IConsumer<DataArrived>
{
    public async Task Consume(ConsumeContext<DataArrived> context)
    {
        var arrived = context.Message;
        var ct = context.CancellationToken;
        var (anomalies, count, profile, rows) = await InspectAsync(arrived, ct);
        var rejected = anomalies.Any(a => a.Severity == Severities.Error);
        var report = new ValidationReport
        {
            Id = Guid.CreateVersion7(),
            BatchId = arrived.BatchId,
            Dataset = arrived.Dataset,
            ContentHash = arrived.ContentHash,
            Outcome = rejected ? "rejected" : "validated",
            Rows = rows,
            Anomalies = anomalies,
            AnomalyCount = count,
            Profile = profile,
            CreatedAt = time.GetUtcNow(),
        };
        db.Reports.Add(report);

        if (rejected)
            db.AddEvent(new DataRejected(arrived.BatchId, arrived.Dataset, arrived.ContentHash, report.Id, anomalies, arrived.CorrelationId, report.CreatedAt), arrived.CorrelationId, time);
        else
            db.AddEvent(new DataValidated(arrived.BatchId, arrived.Dataset, arrived.ContentHash, report.Id, rows, profile,
                anomalies.Where(a => a.Severity == Severities.Warning).ToList(), arrived.CorrelationId, report.CreatedAt), arrived.CorrelationId, time);
        logger.LogInformation("Batch {BatchId} of {Dataset} {Outcome} with {Anomalies} anomalies", arrived.BatchId, arrived.Dataset, report.Outcome, count);
    }

    async Task<(List<Anomaly> Anomalies, long Count, List<ColumnSummary> Profile, long Rows)> InspectAsync(DataArrived arrived, CancellationToken ct)
    {
        await using var content = await blobs.OpenReadAsync(arrived.BlobRef, ct);
        try
        {
            var scan = await Task.Run(() => TabularScanner.Scan(content, arrived.Format, new TabularLimits()), ct);
            return ([.. scan.Problems], scan.ProblemCount, [.. scan.Summaries], scan.Rows);
        }
        catch (TabularFormatException ex)
        {
            return ([new Anomaly(Severities.Error, "unparseable", null, ex.Message, ex.Line)], 1, [], 0);
        }
    }
}

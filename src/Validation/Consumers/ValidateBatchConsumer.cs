using MassTransit;
using Microsoft.EntityFrameworkCore;
using MlOps.Contracts;
using MlOps.ServiceDefaults.Blobs;
using MlOps.ServiceDefaults.Messaging;
using MlOps.ServiceDefaults.Outbox;
using MlOps.ServiceDefaults.Batches;
using MlOps.Tabular;
using MlOps.Validation.Data;
using MlOps.Validation.Profiling;

namespace MlOps.Validation.Consumers;

/// <summary>
/// Validates an arrived batch. Any ERROR anomaly rejects it with every anomaly found; otherwise it is validated with
/// its warnings, its profile joins the dataset's accepted history, and the first accepted batch fixes the schema.
/// </summary>
/// <remarks>
/// The slow part (streaming and profiling the blob) runs with no transaction open, against the schema as read at the
/// start. Then one short transaction locks the dataset's row, checks the schema is still the one validated against
/// (else the batch is validated again), merges the profile into the current history and records the outcome. Batches
/// of one dataset therefore never overwrite each other's history, however many arrive at once; skew is measured
/// against the history as it was when the batch's validation started.
/// </remarks>
public sealed class ValidateBatchConsumer(ValidationDbContext db, BatchValidator validator, TimeProvider time, ILogger<ValidateBatchConsumer> logger)
    : IConsumer<DataArrived>
{
    public async Task Consume(ConsumeContext<DataArrived> context)
    {
        var arrived = context.Message;
        var ct = context.CancellationToken;
        if (string.IsNullOrEmpty(arrived.Dataset) || string.IsNullOrEmpty(arrived.BlobRef) || arrived.BatchId == Guid.Empty)
            throw new PermanentException("DataArrived without a batch id, dataset or blob reference");

        var seen = await db.Datasets.AsNoTracking().SingleOrDefaultAsync(d => d.Dataset == arrived.Dataset, ct);
        BatchVerdict verdict;
        try
        {
            verdict = await validator.ValidateAsync(arrived, seen, ct);
        }
        catch (BlobNotFoundException ex)
        {
            throw new PermanentException($"Batch {arrived.BatchId} names blob {arrived.BlobRef}, which is not in the blob store", ex);
        }

        // The inbox filter saves and commits this transaction together with the inbox row.
        await db.Database.BeginTransactionAsync(ct);
        var state = await db.Datasets.FromSqlInterpolated($"SELECT *, xmin FROM datasets WHERE \"Dataset\" = {arrived.Dataset} FOR UPDATE").SingleOrDefaultAsync(ct);
        if (state?.SchemaVersion != seen?.SchemaVersion && (seen is not null || !verdict.Rejected))
            throw new ConflictException($"The schema of {arrived.Dataset} changed while batch {arrived.BatchId} was validated; validating it again");

        var report = verdict.Report;
        db.Reports.Add(report);
        if (verdict.Rejected)
        {
            db.AddEvent(new DataRejected(arrived.BatchId, arrived.Dataset, arrived.ContentHash, report.Id, report.Anomalies, arrived.CorrelationId, report.CreatedAt), arrived.CorrelationId, time);
        }
        else
        {
            Accept(state, verdict, arrived);
            db.AddEvent(new DataValidated(arrived.BatchId, arrived.Dataset, arrived.ContentHash, report.Id, report.Rows, Reports.Summaries(report.Profile),
                report.Anomalies.Where(a => a.Severity == Severities.Warning).ToList(), arrived.CorrelationId, report.CreatedAt), arrived.CorrelationId, time);
        }
        logger.LogInformation("Batch {BatchId} of {Dataset} {Outcome} with {Anomalies} anomalies", arrived.BatchId, arrived.Dataset, report.Outcome, report.AnomalyCount);
        ValidationTelemetry.Batches.Add(1, new("dataset", arrived.Dataset), new("outcome", verdict.Rejected ? "rejected" : "validated"));
        foreach (var group in report.Anomalies.GroupBy(a => (a.Kind, a.Severity)))
            ValidationTelemetry.Anomalies.Add(group.Count(), new("dataset", arrived.Dataset), new("kind", group.Key.Kind), new("severity", group.Key.Severity));
    }

    void Accept(DatasetState? state, BatchVerdict verdict, DataArrived arrived)
    {
        if (state is null)
        {
            // Two first batches at once: both insert, one commit fails on the key and is retried against the winner's schema.
            state = new DatasetState { Dataset = arrived.Dataset, Schema = verdict.InferredSchema!, SchemaSource = "inferred", SchemaVersion = 1 };
            db.Datasets.Add(state);
        }
        var history = state.History.ToDictionary(h => h.Name, StringComparer.Ordinal);
        foreach (var profile in verdict.Profiles)
        {
            if (history.TryGetValue(profile.Name, out var merged))
                merged.Merge(profile);
            else
                history[profile.Name] = profile;
        }
        // A new list instance so change tracking sees the jsonb document change.
        state.History = [.. history.Values];
        state.AcceptedBatches++;
        state.AcceptedRows += verdict.Report.Rows;
        state.UpdatedAt = time.GetUtcNow();
    }
}

using MassTransit;
using Microsoft.EntityFrameworkCore;
using MlOps.Contracts;
using MlOps.ServiceDefaults.Outbox;
using MlOps.ServiceDefaults.Tabular;
using MlOps.Validation.Data;
using MlOps.Validation.Profiling;

namespace MlOps.Validation.Consumers;

/// <summary>
/// Validates an arrived batch. Any ERROR anomaly rejects it with every anomaly found; otherwise it is validated with
/// its warnings, its profile joins the dataset's accepted history, and the first accepted batch fixes the schema.
/// </summary>
public sealed class ValidateBatchConsumer(ValidationDbContext db, BatchValidator validator, TimeProvider time, ILogger<ValidateBatchConsumer> logger)
    : IConsumer<DataArrived>
{
    public async Task Consume(ConsumeContext<DataArrived> context)
    {
        var arrived = context.Message;
        var ct = context.CancellationToken;
        var state = await db.Datasets.SingleOrDefaultAsync(d => d.Dataset == arrived.Dataset, ct);
        var verdict = await validator.ValidateAsync(arrived, state, ct);
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
    }

    void Accept(DatasetState? state, BatchVerdict verdict, DataArrived arrived)
    {
        if (state is null)
        {
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

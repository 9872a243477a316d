using MlOps.Contracts;
using MlOps.Learning.Profiling;
using MlOps.ServiceDefaults.Batches;
using MlOps.ServiceDefaults.Blobs;
using MlOps.Tabular;
using MlOps.Validation.Checks;
using MlOps.Validation.Data;
using MlOps.Validation.Profiling;
using MlOps.Validation.Schemas;

namespace MlOps.Validation;

/// <summary>What validating one batch found.</summary>
public sealed record BatchVerdict(ValidationReport Report, DatasetSchema? InferredSchema, IReadOnlyList<ColumnProfile> Profiles)
{
    public bool Rejected => Report.Outcome == "rejected";
}

/// <summary>
/// Streams a batch from the blob store once, profiling it against its dataset's schema, and checks it against the
/// schema and the accepted history. The first batch of a dataset has no schema yet: it is read a second time, with the
/// histogram bins the inferred schema fixes, so its profile merges with every later batch's.
/// </summary>
public sealed class BatchValidator(IBlobStore blobs, TabularLimits limits, TimeProvider time)
{
    public async Task<BatchVerdict> ValidateAsync(DataArrived arrived, DatasetState? state, CancellationToken ct)
    {
        var anomalies = new List<Anomaly>();
        var skew = new List<SkewMeasurement>();
        DatasetSchema? inferred = null;
        BatchScan? scan;
        BatchProfiler? profiler;
        long problemCount;

        try
        {
            (scan, profiler) = await ScanAsync(arrived, state?.Schema, ct);
            anomalies.AddRange(scan.Problems);
            problemCount = scan.ProblemCount;
            if (state is null && !scan.HasErrors)
            {
                inferred = SchemaInference.Infer(scan, profiler);
                (scan, profiler) = await ScanAsync(arrived, inferred, ct);
            }
            if ((state?.Schema ?? inferred) is { } schema)
            {
                var (found, measured) = SchemaChecks.Run(schema, scan, profiler, state?.History);
                anomalies.AddRange(found);
                skew.AddRange(measured);
                problemCount += found.Count;
            }
        }
        catch (TabularFormatException ex)
        {
            anomalies.Add(new Anomaly(Severities.Error, "unparseable", null, ex.Message, ex.Line));
            (scan, profiler, problemCount) = (null, null, 1);
        }

        var rejected = anomalies.Any(a => a.Severity == Severities.Error);
        var report = new ValidationReport
        {
            Id = Guid.CreateVersion7(),
            BatchId = arrived.BatchId,
            Dataset = arrived.Dataset,
            ContentHash = arrived.ContentHash,
            Outcome = rejected ? "rejected" : "validated",
            Rows = scan?.Rows ?? 0,
            Anomalies = anomalies,
            AnomalyCount = problemCount,
            Skew = skew,
            DuplicateFraction = profiler?.DuplicateFraction ?? 0,
            Profile = scan is null || profiler is null ? [] : Reports.Columns(scan, profiler),
            CreatedAt = time.GetUtcNow(),
        };
        return new BatchVerdict(report, rejected ? null : inferred, profiler?.Columns ?? []);
    }

    async Task<(BatchScan, BatchProfiler)> ScanAsync(DataArrived arrived, DatasetSchema? schema, CancellationToken ct)
    {
        await using var content = await blobs.OpenReadAsync(arrived.BlobRef, ct);
        var profiler = new BatchProfiler(schema);
        // The scanner reads synchronously, a chunk at a time: keep it off the bus's dispatch threads.
        var scan = await Task.Run(() => BatchScan.Scan(content, arrived.Format, limits, profiler), ct);
        return (scan, profiler);
    }
}

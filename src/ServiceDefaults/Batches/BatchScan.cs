using MlOps.Contracts;
using MlOps.Tabular;

namespace MlOps.ServiceDefaults.Batches;

public static class Severities
{
    public const string Warning = "WARNING";
    public const string Error = "ERROR";
}

/// <summary>
/// A batch as the data plane sees it after one pass of the tabular reader (<see cref="TabularScanner"/>): its columns
/// with inferred types, its rows, and its row-level problems as anomalies — the event contracts' shapes.
/// </summary>
public sealed record BatchScan(IReadOnlyList<ColumnInfo> Columns, long Rows, IReadOnlyList<Anomaly> Problems, long ProblemCount, IReadOnlyList<ColumnSummary> Summaries)
{
    public bool HasErrors => Problems.Any(p => p.Severity == Severities.Error);

    /// <summary>Scans a CSV or NDJSON batch; input that cannot be read at all throws <see cref="TabularFormatException"/>.</summary>
    public static BatchScan Scan(Stream content, string format, TabularLimits limits, ITabularVisitor? visitor = null) =>
        From(TabularScanner.Scan(content, format, limits, visitor));

    public static BatchScan From(TabularScan scan) => new(
        [.. scan.Columns.Select(c => new ColumnInfo(c.Name, c.Type, c.Nulls))],
        scan.Rows,
        [.. scan.Problems.Select(p => new Anomaly(Severities.Error, p.Kind, p.Column, p.Description, p.Line))],
        scan.ProblemCount,
        [.. scan.Statistics.Select(s => new ColumnSummary(s.Name, s.Type, s.Count, s.Nulls, s.Mean, s.Std, s.Min, s.Max, s.Distinct))]);
}

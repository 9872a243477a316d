using MlOps.Contracts;
using MlOps.Learning.Profiling;
using MlOps.ServiceDefaults.Batches;
using MlOps.Tabular;
using MlOps.Validation.Data;

namespace MlOps.Validation.Profiling;

static class Reports
{
    static readonly (string Name, double Q)[] Quantiles = [("p05", 0.05), ("p25", 0.25), ("p50", 0.5), ("p75", 0.75), ("p95", 0.95)];

    public static List<ColumnReport> Columns(BatchScan scan, BatchProfiler profiler) =>
        scan.Columns.Select(info =>
        {
            var p = profiler.Columns.Single(c => c.Name == info.Name);
            var numeric = info.Type is ColumnTypes.Integer or ColumnTypes.Float && p.Numeric > 0;
            return new ColumnReport(info.Name, info.Type, p.Count, p.Nulls,
                p.Count == 0 ? 0 : Math.Round((double)p.Nulls / p.Count, 6), p.NonFinite,
                numeric ? p.Mean : null, numeric ? p.Std : null, numeric ? p.Min : null, numeric ? p.Max : null,
                numeric && p.Sample is not null ? Quantiles.ToDictionary(q => q.Name, q => Math.Round(p.Quantile(q.Q)!.Value, 6)) : null,
                numeric && p.Edges is not null ? new Histogram(p.Edges, p.Bins!) : null,
                numeric ? null : p.Categories.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(20).Select(kv => new CategoryCount(kv.Key, kv.Value)).ToList(),
                p.Categories.Count);
        }).ToList();

    public static List<ColumnSummary> Summaries(IEnumerable<ColumnReport> columns) =>
        columns.Select(c => new ColumnSummary(c.Name, c.Type, c.Count, c.Nulls, c.Mean, c.Std, c.Min, c.Max, c.Distinct)).ToList();
}

using MlOps.Learning.Profiling;
using MlOps.ServiceDefaults.Batches;
using MlOps.Tabular;
using MlOps.Validation.Profiling;

namespace MlOps.Validation.Schemas;

/// <summary>Infers a dataset's schema from its first accepted batch: each column as it really is, with room for ordinary variation.</summary>
public static class SchemaInference
{
    public const int HistogramBins = 20;
    /// <summary>A text column with at most this many distinct values (and mostly repeats) is categorical and gets a domain.</summary>
    public const int MaxDomainSize = 50;
    public const double DefaultNumericSkew = 0.1;
    public const double DefaultCategoricalSkew = 0.1;

    public static DatasetSchema Infer(BatchScan scan, BatchProfiler profiler)
    {
        var columns = new List<ColumnSchema>();
        foreach (var info in scan.Columns)
        {
            var profile = profiler.Columns.Single(p => p.Name == info.Name);
            var nullFraction = profile.Count == 0 ? 0 : (double)profile.Nulls / profile.Count;
            var column = new ColumnSchema(info.Name, info.Type,
                Required: profile.Nulls < profile.Count,
                MaxNullFraction: Math.Round(Math.Clamp(2 * nullFraction, 0.1, 1.0), 4));
            if (column.IsNumeric && profile.Min is { } min && profile.Max is { } max)
                column = column with { Min = min, Max = max, BinEdges = Edges(min, max), Skew = new SkewComparator(SkewComparator.JensenShannon, DefaultNumericSkew) };
            else if (info.Type is ColumnTypes.String or ColumnTypes.Boolean && IsCategorical(profile))
                column = column with
                {
                    Domain = profile.Categories.Keys.Order(StringComparer.Ordinal).ToList(),
                    Skew = new SkewComparator(SkewComparator.LInfinity, DefaultCategoricalSkew),
                };
            columns.Add(column);
        }
        return new DatasetSchema(columns);
    }

    static bool IsCategorical(ColumnProfile profile)
    {
        var distinct = profile.Categories.Count;
        return distinct > 0 && distinct <= MaxDomainSize && !profile.Categories.ContainsKey(ColumnProfile.OtherCategory)
            && distinct <= Math.Max(2, (profile.Count - profile.Nulls) / 2);
    }

    /// <summary>Equal-width edges over the first batch's range; values outside land in the open-ended end bins.</summary>
    public static List<double> Edges(double min, double max)
    {
        if (max <= min)
            return [min];
        var width = (max - min) / HistogramBins;
        var edges = new List<double>(HistogramBins + 1);
        for (var i = 0; i <= HistogramBins; i++)
            edges.Add(Math.Round(min + i * width, 10));
        edges[^1] = Math.BitIncrement(max); // the maximum falls in the last inner bin, not the overflow
        return edges;
    }
}

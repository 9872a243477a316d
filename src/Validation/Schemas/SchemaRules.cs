using MlOps.ServiceDefaults.Tabular;

namespace MlOps.Validation.Schemas;

/// <summary>Checks an edited schema before it is stored; every problem is named, with the column it concerns.</summary>
public static class SchemaRules
{
    static readonly HashSet<string> Types = [ColumnTypes.Integer, ColumnTypes.Float, ColumnTypes.Boolean, ColumnTypes.Timestamp, ColumnTypes.String];

    public static List<string> Problems(DatasetSchema? schema)
    {
        if (schema?.Columns is null)
            return ["the schema needs a 'columns' array"];
        var problems = new List<string>();
        if (schema.MinRows < 0)
            problems.Add("minRows must be 0 or more");
        if (schema.MaxDuplicateFraction is < 0 or > 1)
            problems.Add("maxDuplicateFraction must be between 0 and 1");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in schema.Columns)
        {
            var where = $"column '{c.Name}'";
            if (string.IsNullOrEmpty(c.Name))
                problems.Add("a column has no name");
            else if (!names.Add(c.Name))
                problems.Add($"{where} appears twice");
            if (!Types.Contains(c.Type ?? ""))
                problems.Add($"{where}: type '{c.Type}' is not one of {string.Join(", ", Types)}");
            if (c.MaxNullFraction is < 0 or > 1)
                problems.Add($"{where}: maxNullFraction must be between 0 and 1");
            if (c.Min > c.Max)
                problems.Add($"{where}: min {c.Min} is above max {c.Max}");
            if ((c.Min is not null || c.Max is not null || c.BinEdges is not null) && !c.IsNumeric)
                problems.Add($"{where}: min, max and binEdges apply to integer and float columns only");
            if (c.BinEdges is { } edges && (edges.Count == 0 || edges.Zip(edges.Skip(1)).Any(p => p.First >= p.Second) || edges.Any(e => !double.IsFinite(e))))
                problems.Add($"{where}: binEdges must be finite and strictly ascending");
            if (c.Skew is { } skew)
            {
                if (skew.Kind is not (SkewComparator.LInfinity or SkewComparator.JensenShannon))
                    problems.Add($"{where}: skew kind '{skew.Kind}' is not 'linf' or 'js'");
                else if (skew.Kind == SkewComparator.JensenShannon && c.BinEdges is null)
                    problems.Add($"{where}: the 'js' comparator needs binEdges");
                if (skew.Threshold is < 0 or > 1)
                    problems.Add($"{where}: skew threshold must be between 0 and 1");
            }
        }
        return problems;
    }
}

using MlOps.ServiceDefaults.Batches;
using MlOps.Tabular;

namespace MlOps.Validation.Schemas;

/// <summary>
/// Checks an edited schema before it is stored; every problem is named with the field it concerns (<c>columns[2].max</c>),
/// so a schema that could not be stored or applied is a 400, never a 500.
/// </summary>
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
        Fraction(problems, "maxDuplicateFraction", schema.MaxDuplicateFraction);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < schema.Columns.Count; i++)
        {
            var c = schema.Columns[i];
            var at = $"columns[{i}]";
            if (c is null)
            {
                problems.Add($"{at} is null: each column is an object with at least a name and a type");
                continue;
            }
            var where = $"{at} ('{c.Name}')";
            if (string.IsNullOrEmpty(c.Name))
                problems.Add($"{at}.name is missing");
            else if (!names.Add(c.Name))
                problems.Add($"{where} appears twice");
            if (!Types.Contains(c.Type ?? ""))
                problems.Add($"{where}.type '{c.Type}' is not one of {string.Join(", ", Types)}");
            Fraction(problems, $"{where}.maxNullFraction", c.MaxNullFraction);
            Finite(problems, $"{where}.min", c.Min);
            Finite(problems, $"{where}.max", c.Max);
            if (c.Min > c.Max)
                problems.Add($"{where}: min {c.Min} is above max {c.Max}");
            if ((c.Min is not null || c.Max is not null || c.BinEdges is not null) && !c.IsNumeric)
                problems.Add($"{where}: min, max and binEdges apply to integer and float columns only");
            if (c.Domain is { } domain && domain.Any(v => v is null))
                problems.Add($"{where}.domain holds null: list the expected values as strings");
            if (c.BinEdges is { } edges && (edges.Count == 0 || edges.Zip(edges.Skip(1)).Any(p => p.First >= p.Second) || edges.Any(e => !double.IsFinite(e))))
                problems.Add($"{where}.binEdges must be finite and strictly ascending");
            if (c.Skew is { } skew)
            {
                if (skew.Kind is not (SkewComparator.LInfinity or SkewComparator.JensenShannon))
                    problems.Add($"{where}.skew.kind '{skew.Kind}' is not 'linf' or 'js'");
                else if (skew.Kind == SkewComparator.JensenShannon && c.BinEdges is null)
                    problems.Add($"{where}: the 'js' skew comparator needs binEdges");
                Fraction(problems, $"{where}.skew.threshold", skew.Threshold);
            }
        }
        return problems;
    }

    static void Fraction(List<string> problems, string field, double value)
    {
        if (!double.IsFinite(value) || value is < 0 or > 1)
            problems.Add($"{field} must be a number between 0 and 1, got {value}");
    }

    static void Finite(List<string> problems, string field, double? value)
    {
        if (value is { } v && !double.IsFinite(v))
            problems.Add($"{field} must be a finite number, got {v}");
    }
}

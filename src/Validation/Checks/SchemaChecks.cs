using MlOps.Contracts;
using MlOps.Learning.Profiling;
using MlOps.ServiceDefaults.Batches;
using MlOps.Tabular;
using MlOps.Validation.Profiling;
using MlOps.Validation.Schemas;

namespace MlOps.Validation.Checks;

/// <summary>
/// Compares a profiled batch with its dataset's schema and accepted history, producing anomalies in TFDV's catalogue:
/// ERROR for what would corrupt training (missing required column, type mismatch, too many nulls, NaN/Inf, too few
/// rows), WARNING for what deserves a look (new column, out of range, unexpected category, duplicates, skew).
/// </summary>
public static class SchemaChecks
{
    const string Error = Severities.Error;
    const string Warning = Severities.Warning;

    public static (List<Anomaly> Anomalies, List<SkewMeasurement> Skew) Run(
        DatasetSchema schema, BatchScan scan, BatchProfiler profiler, IReadOnlyList<ColumnProfile>? history)
    {
        var anomalies = new List<Anomaly>();
        var skew = new List<SkewMeasurement>();
        var types = scan.Columns.ToDictionary(c => c.Name, c => c.Type, StringComparer.Ordinal);
        var profiles = profiler.Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);

        if (scan.Rows < schema.MinRows)
            anomalies.Add(new(Error, "too_few_rows", null, $"the batch has {scan.Rows} rows; the schema requires at least {schema.MinRows}", Value: scan.Rows, Threshold: schema.MinRows));
        if (profiler.DuplicateFraction > schema.MaxDuplicateFraction)
            anomalies.Add(new(Warning, "duplicate_rows", null, $"{profiler.DuplicateRows} rows ({profiler.DuplicateFraction:P1}) repeat an earlier row exactly; the limit is {schema.MaxDuplicateFraction:P1}",
                Value: profiler.DuplicateFraction, Threshold: schema.MaxDuplicateFraction));

        foreach (var name in types.Keys.Where(n => schema.Columns.All(c => c.Name != n)))
            anomalies.Add(new(Warning, "new_column", name, $"column '{name}' is not in the schema"));

        foreach (var column in schema.Columns)
        {
            if (!types.TryGetValue(column.Name, out var type))
            {
                anomalies.Add(new(column.Required ? Error : Warning, "missing_column", column.Name, $"column '{column.Name}' is missing from the batch"));
                continue;
            }
            var profile = profiles[column.Name];
            CheckColumn(column, type, profile, anomalies);
            var historyProfile = history?.FirstOrDefault(h => h.Name == column.Name);
            if (column.Skew is { } comparator && historyProfile is not null && Skew.Compare(profile, historyProfile, comparator.Kind) is { } distance)
            {
                var exceeded = distance > comparator.Threshold;
                skew.Add(new SkewMeasurement(column.Name, comparator.Kind, Math.Round(distance, 6), comparator.Threshold, exceeded));
                if (exceeded)
                    anomalies.Add(new(Warning, "distribution_skew", column.Name,
                        $"{(comparator.Kind == SkewComparator.LInfinity ? "L-infinity distance" : "Jensen-Shannon divergence")} {distance:0.####} from the accepted history exceeds {comparator.Threshold}",
                        Value: distance, Threshold: comparator.Threshold));
            }
        }
        return (anomalies, skew);
    }

    static void CheckColumn(ColumnSchema column, string type, ColumnProfile profile, List<Anomaly> anomalies)
    {
        var allNull = profile.Count > 0 && profile.Nulls == profile.Count;
        if (!allNull && !Compatible(column.Type, type))
            anomalies.Add(new(Error, "type_mismatch", column.Name, $"column '{column.Name}' should be {column.Type} but its values are {type}"));

        var nullFraction = profile.Count == 0 ? 0 : (double)profile.Nulls / profile.Count;
        if (nullFraction > column.MaxNullFraction)
            anomalies.Add(new(Error, "null_fraction", column.Name, $"{nullFraction:P1} of '{column.Name}' is missing; the limit is {column.MaxNullFraction:P1}",
                Value: nullFraction, Threshold: column.MaxNullFraction));

        if (column.IsNumeric && profile.NonFinite > 0)
            anomalies.Add(new(Error, "non_finite", column.Name, $"'{column.Name}' has {profile.NonFinite} NaN or infinite values", Value: profile.NonFinite));

        if (column.Min is { } min && profile.Min < min)
            anomalies.Add(new(Warning, "out_of_range", column.Name, $"'{column.Name}' has values down to {profile.Min}, below the schema's minimum {min}", Value: profile.Min, Threshold: min));
        if (column.Max is { } max && profile.Max > max)
            anomalies.Add(new(Warning, "out_of_range", column.Name, $"'{column.Name}' has values up to {profile.Max}, above the schema's maximum {max}", Value: profile.Max, Threshold: max));

        if (column.Domain is { Count: > 0 } domain)
        {
            var expected = domain.ToHashSet(StringComparer.Ordinal);
            var unexpected = profile.Categories.Where(kv => !expected.Contains(kv.Key)).OrderByDescending(kv => kv.Value).ToList();
            if (unexpected.Count > 0)
                anomalies.Add(new(Warning, "unexpected_values", column.Name,
                    $"'{column.Name}' has values outside its domain: {string.Join(", ", unexpected.Take(10).Select(kv => $"'{kv.Key}' ({kv.Value})"))}{(unexpected.Count > 10 ? $" and {unexpected.Count - 10} more" : "")}",
                    Value: unexpected.Sum(kv => kv.Value)));
        }
    }

    static bool Compatible(string expected, string actual) =>
        expected == actual
        || expected == ColumnTypes.String
        || (expected == ColumnTypes.Float && actual == ColumnTypes.Integer);
}

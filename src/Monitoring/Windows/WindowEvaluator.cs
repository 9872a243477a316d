using System.Globalization;
using System.Text.Json;
using MlOps.Contracts;
using MlOps.Learning.Data;
using MlOps.Learning.Profiling;
using MlOps.Monitoring.Data;

namespace MlOps.Monitoring.Windows;

/// <summary>A full window's verdict: each feature's test, the prediction's, and whether the dataset drifted.</summary>
public sealed record WindowVerdict(IReadOnlyList<FeatureVerdict> Features, FeatureVerdict? Prediction, double DriftShare, bool DatasetDrift);

/// <summary>
/// Compares one window of predictions with the champion's reference profile, feature by feature with the test
/// <see cref="DriftTests"/> chooses, and the predicted labels or values against the target the model learned.
/// </summary>
public static class WindowEvaluator
{
    public static WindowVerdict Evaluate(IReadOnlyList<FeatureReference> features, FeatureReference? target, IReadOnlyList<LoggedPrediction> rows,
        DriftThresholds thresholds, double driftShare, bool psiOnly = false)
    {
        var verdicts = new List<FeatureVerdict>(features.Count);
        foreach (var reference in features)
        {
            var name = reference.Feature;
            verdicts.Add(Test(reference, rows.Select(r => Input(r.Inputs, name)), thresholds, psiOnly));
        }
        var prediction = target is null ? null : Test(target, rows.Select(r => r.Prediction), thresholds, psiOnly) with { Feature = "prediction" };
        var drifted = verdicts.Count(v => v.Drifted);
        var share = verdicts.Count == 0 ? 0 : (double)drifted / verdicts.Count;
        return new WindowVerdict(verdicts, prediction, share, DriftDecision.IsDatasetDrift(drifted, verdicts.Count, driftShare));
    }

    /// <summary>Tests one column given as text values (null = missing), read as the reference's type.</summary>
    public static FeatureVerdict Test(FeatureReference reference, IEnumerable<string?> values, DriftThresholds thresholds, bool psiOnly = false)
    {
        var profile = ReferenceProfiles.ToProfile(reference);
        DriftTest? force = psiOnly || ReferenceProfiles.NeedsPsi(reference) ? DriftTest.Psi : null;
        if (profile.Type == ColumnType.Categorical)
        {
            var counts = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var v in values) if (v is not null) counts[v] = counts.GetValueOrDefault(v) + 1;
            var result = DriftTests.Categorical(profile, counts, thresholds, force);
            return Verdict(result, CategoricalDistribution(profile, counts));
        }
        var numbers = values.Select(v => Number(v, profile.Type)).ToArray();
        var numeric = DriftTests.Numeric(profile, numbers, thresholds, force);
        return Verdict(numeric, NumericDistribution(profile, numbers));
    }

    static FeatureVerdict Verdict(DriftResult r, Distribution d) =>
        new(r.Feature, r.TestName, Finite(r.Score), r.Threshold, r.Drifted, Finite(r.Psi), r.Rows, d);

    /// <summary>JSON has no infinity: an infinite statistic is reported as the largest double.</summary>
    static double Finite(double v) => double.IsNaN(v) ? 0 : double.IsPositiveInfinity(v) ? double.MaxValue : v;

    /// <summary>The input's value as text (null when missing).</summary>
    public static string? Input(JsonElement inputs, string name) =>
        inputs.ValueKind == JsonValueKind.Object && inputs.TryGetProperty(name, out var v) ? LoggedPrediction.Text(v) : null;

    /// <summary>A value as a number of the reference's type: booleans 0/1, timestamps as Unix seconds; NaN when missing or unreadable.</summary>
    public static double Number(string? text, ColumnType type)
    {
        if (text is null) return double.NaN;
        if (type == ColumnType.Boolean || text is "true" or "false")
            return text switch { "true" or "True" or "1" => 1, "false" or "False" or "0" => 0, _ => double.NaN };
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
        if (type == ColumnType.Timestamp && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
            return t.ToUnixTimeMilliseconds() / 1000.0;
        return double.NaN;
    }

    static Distribution CategoricalDistribution(FeatureProfile profile, Dictionary<string, long> counts)
    {
        var labels = new List<string>(profile.Categories);
        var known = labels.ToHashSet(StringComparer.Ordinal);
        labels.AddRange(counts.Keys.Where(k => !known.Contains(k)).Order(StringComparer.Ordinal));
        var total = (double)counts.Values.Sum();
        var reference = labels.Select((_, i) => i < profile.CategoryShares.Length ? profile.CategoryShares[i] : 0).ToList();
        var current = labels.Select(l => total == 0 ? 0 : counts.GetValueOrDefault(l) / total).ToList();
        return new Distribution(labels, reference, current);
    }

    static Distribution NumericDistribution(FeatureProfile profile, double[] values)
    {
        var q = profile.Quantiles;
        if (q.Length < 2) return new Distribution([], [], []);
        var present = values.Where(v => !double.IsNaN(v)).ToArray();
        var current = ReferenceProfile.BinShares(present, q);
        var labels = new List<string>(q.Length - 1);
        for (var b = 0; b < q.Length - 1; b++)
            labels.Add(b == 0 ? $"≤ {Short(q[1])}" : b == q.Length - 2 ? $"> {Short(q[b])}" : $"{Short(q[b])} – {Short(q[b + 1])}");
        return new Distribution(labels, [.. profile.BinShares], [.. current]);
    }

    static string Short(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
}

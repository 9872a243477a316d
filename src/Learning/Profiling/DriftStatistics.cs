using MlOps.Learning.Data;

namespace MlOps.Learning.Profiling;

/// <summary>Compares current data with a <see cref="FeatureProfile"/> from training (see also <see cref="DriftTests"/>).</summary>
public static class DriftStatistics
{
    private const double Epsilon = 1e-4;

    /// <summary>
    /// Population stability index over the reference bins (numeric) or categories (categorical; unseen
    /// categories pooled into one extra bin). Shares are floored at 1e-4 so empty bins stay finite.
    /// </summary>
    public static double PopulationStabilityIndex(FeatureProfile reference, Column current)
    {
        if (!current.IsCategorical)
        {
            var values = new List<double>();
            foreach (var v in current.Numbers) if (!double.IsNaN(v)) values.Add(v);
            return PopulationStabilityIndex(reference, values.ToArray());
        }
        var counts = new long[current.Categories.Count];
        foreach (var c in current.Codes) if (c >= 0) counts[c]++;
        var byName = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < counts.Length; i++) byName[current.Categories[i]] = byName.GetValueOrDefault(current.Categories[i]) + counts[i];
        return PopulationStabilityIndex(reference, byName);
    }

    /// <summary>PSI of present (non-NaN) numeric values over the reference's decile bins.</summary>
    public static double PopulationStabilityIndex(FeatureProfile reference, ReadOnlySpan<double> values)
    {
        if (reference.Quantiles.Length == 0) return 0;
        return Psi(reference.BinShares, ReferenceProfile.BinShares(values, reference.Quantiles));
    }

    /// <summary>The same as <see cref="PopulationStabilityIndex(FeatureProfile, ReadOnlySpan{double})"/> for values already sorted: bins by binary search.</summary>
    public static double PopulationStabilityIndexOfSorted(FeatureProfile reference, ReadOnlySpan<double> sorted)
    {
        if (reference.Quantiles.Length == 0) return 0;
        return Psi(reference.BinShares, Binning.Shares(Binning.CountsOfSorted(sorted, ReferenceProfile.BinEdges(reference.Quantiles))));
    }

    /// <summary>PSI of category counts over the reference's categories, unseen ones pooled into one extra bin.</summary>
    public static double PopulationStabilityIndex(FeatureProfile reference, IReadOnlyDictionary<string, long> counts)
    {
        double[] expected = [.. reference.CategoryShares, 0];
        var actual = new double[expected.Length];
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < reference.Categories.Length; i++) index[reference.Categories[i]] = i;
        long present = 0;
        foreach (var (category, count) in counts)
        {
            actual[index.TryGetValue(category, out var i) ? i : expected.Length - 1] += count;
            present += count;
        }
        for (var i = 0; i < actual.Length; i++) actual[i] = present == 0 ? 0 : actual[i] / present;
        return Psi(expected, actual);
    }

    private static double Psi(double[] expected, double[] actual)
    {
        double psi = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            if (expected[i] == 0 && actual[i] == 0) continue;
            var e = Math.Max(expected[i], Epsilon);
            var a = Math.Max(actual[i], Epsilon);
            psi += (a - e) * Math.Log(a / e);
        }
        return psi;
    }
}

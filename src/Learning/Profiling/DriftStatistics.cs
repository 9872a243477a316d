using MlOps.Learning.Data;

namespace MlOps.Learning.Profiling;

/// <summary>Compares current data with a <see cref="FeatureProfile"/> from training.</summary>
public static class DriftStatistics
{
    private const double Epsilon = 1e-4;

    /// <summary>
    /// Population stability index over the reference bins (numeric) or categories (categorical; unseen
    /// categories pooled into one extra bin). Shares are floored at 1e-4 so empty bins stay finite.
    /// </summary>
    public static double PopulationStabilityIndex(FeatureProfile reference, Column current)
    {
        double[] expected, actual;
        if (current.IsCategorical)
        {
            expected = [.. reference.CategoryShares, 0];
            actual = new double[expected.Length];
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < reference.Categories.Length; i++) index[reference.Categories[i]] = i;
            var map = current.Categories.Select(c => index.TryGetValue(c, out var i) ? i : expected.Length - 1).ToArray();
            var present = 0;
            foreach (var c in current.Codes) if (c >= 0) { actual[map[c]]++; present++; }
            for (var i = 0; i < actual.Length; i++) actual[i] = present == 0 ? 0 : actual[i] / present;
        }
        else
        {
            if (reference.Quantiles.Length == 0) return 0;
            expected = reference.BinShares;
            var values = new List<double>();
            foreach (var v in current.Numbers) if (!double.IsNaN(v)) values.Add(v);
            actual = ReferenceProfile.BinShares(values.ToArray(), reference.Quantiles);
        }
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

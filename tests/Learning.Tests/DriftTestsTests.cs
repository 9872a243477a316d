using MlOps.Learning.Data;
using MlOps.Learning.Profiling;

namespace MlOps.Tests.Learning;

/// <summary>
/// The drift statistics against scipy 1.10.1 (Debian's python3-scipy) on fixed inputs; the expected numbers were
/// computed once with <c>scipy.stats.ks_2samp</c>, <c>chisquare</c>, <c>chi2.sf</c>, <c>norm.cdf</c>,
/// <c>wasserstein_distance</c> and <c>scipy.spatial.distance.jensenshannon</c> and are written here.
/// </summary>
public sealed class DriftTestsTests
{
    static readonly double[] A = [0.61, 0.29, 0.06, 0.59, -1.73, -0.74, 0.51, -0.56, 0.39, 1.64, 0.05, -0.06, 0.64, -0.82, 0.37, 1.77, 1.09, -1.28, 2.36, 1.31, 1.05, -0.32, -0.4, 1.06, -2.47];
    static readonly double[] B = [2.1, 0.9, 1.7, 1.3, 0.2, 2.6, 1.1, 0.4, 1.9, 3.0, 1.5, 0.8, 2.2, 1.2, 0.7, 1.6, 2.4, 0.3, 1.4, 1.8];

    static double[] Sorted(IEnumerable<double> values) => [.. values.Order()];

    /// <summary>round(f(i), 3) for i in 0..n-1, the same values Python's round gives.</summary>
    static double[] Series(int n, Func<int, double> f) => Sorted(Enumerable.Range(0, n).Select(i => Math.Round(f(i), 3, MidpointRounding.ToEven)));

    static void Close(double expected, double actual, double relative = 1e-9) =>
        Assert.True(Math.Abs(expected - actual) <= relative * Math.Abs(expected) + 1e-15, $"expected {expected:R}, got {actual:R}");

    [Fact]
    public void Kolmogorov_Smirnov_matches_scipy_ks_2samp_for_unequal_sizes()
    {
        var (d, p) = DriftTests.KolmogorovSmirnov(Sorted(A), Sorted(B));
        Close(0.57, d);
        Close(0.0007540518948858841, p, 1e-7);
    }

    [Fact]
    public void Kolmogorov_Smirnov_matches_scipy_ks_2samp_for_equal_sizes()
    {
        var (d, p) = DriftTests.KolmogorovSmirnov(Sorted(A), Sorted(A.Select(x => x + 0.3)));
        Close(0.24, d);
        Close(0.4754535018190584, p, 1e-7);
    }

    [Fact]
    public void Kolmogorov_Smirnov_matches_scipy_on_800_against_500_values_with_ties()
    {
        var x = Series(800, i => Math.Sin(i * 0.7) * 2 + Math.Cos(i * 1.3));
        var shifted = Series(500, j => Math.Sin(j * 0.9) * 2 + 0.4);
        var similar = Series(500, j => Math.Sin(j * 0.9) * 2 + Math.Cos(j * 1.1) + 0.05);

        var (d1, p1) = DriftTests.KolmogorovSmirnov(x, shifted);
        Close(0.18, d1);
        Close(3.5128520193729597e-09, p1, 1e-6);
        var (d2, p2) = DriftTests.KolmogorovSmirnov(x, similar);
        Close(0.03275, d2);
        Close(0.8845972409284815, p2, 1e-7);
    }

    [Fact]
    public void Kolmogorov_Smirnov_above_10000_values_is_asymptotic_and_close_to_scipy()
    {
        var x = Series(20_000, i => Math.Sin(i * 0.37) * 2 + Math.Cos(i * 1.7));
        var y = Series(12_000, j => Math.Sin(j * 0.41) * 2 + Math.Cos(j * 1.9) + 0.02);
        var (d, p) = DriftTests.KolmogorovSmirnov(x, y);
        Close(0.0076166666666666605, d);
        // scipy uses the finite-n Kolmogorov distribution here; the limiting one with Stephens' correction is within 1%.
        Close(0.7739339041184918, p, 0.01);
    }

    [Fact]
    public void Chi_squared_matches_scipy_chisquare()
    {
        var (s1, p1) = DriftTests.ChiSquared([16, 18, 16, 14, 12, 12], [14.6667, 14.6667, 14.6666, 14.6667, 14.6667, 14.6666]);
        Assert.InRange(s1, 1.99, 2.01);
        Close(0.8491450360846096, p1, 1e-4);
        var (s2, p2) = DriftTests.ChiSquared([16, 18, 16, 14, 12, 12], [16, 16, 16, 16, 16, 8]);
        Close(3.5, s2);
        Close(0.6233876277495822, p2);
        Close(0.0575584519726364, DriftTests.ChiSquaredSurvival(7.5, 3));
        Close(0.000856641210775301, DriftTests.ChiSquaredSurvival(30, 10));
        Close(0.47950012218695337, DriftTests.ChiSquaredSurvival(0.5, 1));
        Assert.Equal(0, DriftTests.ChiSquared([3, 1], [4, 0]).PValue);
    }

    [Fact]
    public void Two_proportion_z_test_matches_the_normal_distribution()
    {
        Close(0.002857933637607113, DriftTests.ZTestPValue(0.3, 800, 0.38, 500), 1e-8);
        Close(1.0, DriftTests.ZTestPValue(0.5, 1000, 0.5, 200));
        Close(0.017344649047843053, DriftTests.ZTestPValue(0.42, 900, 0.35, 400), 1e-8);
        Assert.Equal(1, DriftTests.ZTestPValue(1, 100, 1, 50));
    }

    [Fact]
    public void Wasserstein_matches_scipy_wasserstein_distance()
    {
        Close(5.0, DriftTests.Wasserstein([0, 1, 3], [5, 6, 8]));
        Close(1.2386000000000004, DriftTests.Wasserstein(Sorted(A), Sorted(B)));
        var x = Series(800, i => Math.Sin(i * 0.7) * 2 + Math.Cos(i * 1.3));
        var y = Series(500, j => Math.Sin(j * 0.9) * 2 + 0.4);
        Close(0.4548905, DriftTests.Wasserstein(x, y));
    }

    [Fact]
    public void Large_windows_are_sorted_exactly_and_psi_from_sorted_values_equals_psi_by_bins()
    {
        var random = new Random(9);
        var values = Enumerable.Range(0, 50_000).Select(_ => Math.Round((random.NextDouble() - 0.3) * 1e3, 3)).Append(-0.0).Append(double.MaxValue).Append(-1e-300).ToArray();
        var sorted = values.ToArray();
        DriftTests.SortValues(sorted);
        Assert.Equal(values.Order().ToArray(), sorted);

        var reference = Profile(Column.Numeric("x", ColumnType.Float, [.. Enumerable.Range(0, 3000).Select(i => Math.Round(i * 0.37 % 400, 1))]));
        Close(DriftStatistics.PopulationStabilityIndex(reference, values), DriftStatistics.PopulationStabilityIndexOfSorted(reference, sorted), 1e-12);
    }

    [Fact]
    public void Jensen_Shannon_matches_scipy_jensenshannon()
    {
        Close(0.8325546111576977, DriftTests.JensenShannon([1.0, 0.0, 0.0], [0.0, 1.0, 0.0]));
        Close(0.46450140402245893, DriftTests.JensenShannon([1.0, 0.0], [0.5, 0.5]));
        Close(0.05029607305241432, DriftTests.JensenShannon([0.2, 0.3, 0.5], [0.25, 0.25, 0.5]));
    }

    [Fact]
    public void Log_gamma_is_accurate()
    {
        Close(0.5723649429247004, DriftTests.LogGamma(0.5), 1e-13);
        Close(13.48203678613836, DriftTests.LogGamma(10.3), 1e-13);
    }

    static FeatureProfile Profile(Column column) => ReferenceProfile.Profile(column);

    [Fact]
    public void A_small_numeric_reference_keeps_every_value_and_is_tested_with_ks()
    {
        var reference = Profile(Column.Numeric("x", ColumnType.Float, [.. A, double.NaN]));
        Assert.True(reference.HasAllValues);
        Assert.Equal(Sorted(A), reference.SortedValues);

        var result = DriftTests.Numeric(reference, [.. B, double.NaN], new DriftThresholds(PValue: 0.05));
        Assert.Equal(DriftTest.KolmogorovSmirnov, result.Test);
        Close(0.0007540518948858841, result.Score, 1e-7);
        Assert.True(result.Drifted);
        Assert.Equal(20, result.Rows);
        Assert.False(DriftTests.Numeric(reference, A, new DriftThresholds()).Drifted);
    }

    [Fact]
    public void A_large_numeric_reference_keeps_1000_quantiles_and_is_tested_with_the_normed_wasserstein_distance()
    {
        var values = Enumerable.Range(0, 50_000).Select(i => (double)(i % 1000)).ToArray();
        var reference = Profile(Column.Numeric("x", ColumnType.Float, values));
        Assert.Equal(1000, reference.SortedValues!.Length);
        Assert.False(reference.HasAllValues);

        var same = DriftTests.Numeric(reference, values.AsSpan(0, 5000), new DriftThresholds());
        Assert.Equal(DriftTest.Wasserstein, same.Test);
        Assert.True(same.Score < 0.01, $"score {same.Score}");
        Assert.False(same.Drifted);

        // Shifting every value by a fifth of the std moves the normed distance to 0.2.
        var shift = reference.StdDev * 0.2;
        var moved = DriftTests.Numeric(reference, values.AsSpan(0, 5000).ToArray().Select(v => v + shift).ToArray(), new DriftThresholds());
        Assert.InRange(moved.Score, 0.19, 0.21);
        Assert.True(moved.Drifted);
        Assert.Equal(0.1, moved.Threshold);
    }

    [Fact]
    public void Categorical_features_get_chi_squared_or_jensen_shannon_by_reference_size_and_unseen_categories_drift()
    {
        var small = Profile(Column.FromStrings("c", [.. Enumerable.Range(0, 600).Select(i => (i % 3) switch { 0 => "a", 1 => "b", _ => "c" })]));
        var balanced = new Dictionary<string, long> { ["a"] = 100, ["b"] = 100, ["c"] = 100 };
        var chi = DriftTests.Categorical(small, balanced, new DriftThresholds());
        Assert.Equal(DriftTest.ChiSquared, chi.Test);
        Close(1.0, chi.Score);
        Assert.False(chi.Drifted);
        var unseen = DriftTests.Categorical(small, new Dictionary<string, long> { ["a"] = 100, ["b"] = 100, ["d"] = 5 }, new DriftThresholds());
        Assert.Equal(0, unseen.Score);
        Assert.True(unseen.Drifted);

        var large = Profile(Column.FromStrings("c", [.. Enumerable.Range(0, 3000).Select(i => (i % 3) switch { 0 => "a", 1 => "b", _ => "c" })]));
        var js = DriftTests.Categorical(large, new Dictionary<string, long> { ["a"] = 300 }, new DriftThresholds());
        Assert.Equal(DriftTest.JensenShannon, js.Test);
        Assert.True(js.Drifted);
        Assert.Equal("jensenshannon", js.TestName);
    }

    [Fact]
    public void Two_categories_and_booleans_get_the_z_test_on_a_small_reference()
    {
        var reference = Profile(Column.FromStrings("c", [.. Enumerable.Range(0, 800).Select(i => i < 240 ? "yes" : "no")]));
        var result = DriftTests.Categorical(reference, new Dictionary<string, long> { ["yes"] = 190, ["no"] = 310 }, new DriftThresholds());
        Assert.Equal(DriftTest.ZTest, result.Test);
        Close(0.002857933637607113, result.Score, 1e-8);

        var flags = Profile(Column.Numeric("f", ColumnType.Boolean, [.. Enumerable.Range(0, 800).Select(i => i < 240 ? 1.0 : 0.0)]));
        var fromFlags = DriftTests.Numeric(flags, [.. Enumerable.Range(0, 500).Select(i => i < 190 ? 1.0 : 0.0)], new DriftThresholds());
        Assert.Equal(DriftTest.ZTest, fromFlags.Test);
        Close(0.002857933637607113, fromFlags.Score, 1e-8);
    }

    [Fact]
    public void Psi_can_be_chosen_instead_and_is_reported_beside_every_test()
    {
        var reference = Profile(Column.Numeric("x", ColumnType.Float, A));
        var psi = DriftTests.Numeric(reference, B, new DriftThresholds(Psi: 0.2), DriftTest.Psi);
        Assert.Equal(DriftTest.Psi, psi.Test);
        Assert.Equal(psi.Psi, psi.Score);
        Assert.True(psi.Drifted);
        Assert.Equal(psi.Psi, DriftTests.Numeric(reference, B, new DriftThresholds()).Psi);
    }
}

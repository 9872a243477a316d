namespace MlOps.Learning.Profiling;

/// <summary>The statistical test a feature's drift was judged by.</summary>
public enum DriftTest
{
    /// <summary>Two-sample Kolmogorov–Smirnov; the score is its p-value.</summary>
    KolmogorovSmirnov,
    /// <summary>Pearson's chi-squared goodness of fit against the reference shares; the score is its p-value.</summary>
    ChiSquared,
    /// <summary>Two-proportion z-test (two categories); the score is its p-value.</summary>
    ZTest,
    /// <summary>Wasserstein distance divided by the reference's standard deviation; the score is the distance.</summary>
    Wasserstein,
    /// <summary>Jensen–Shannon distance (natural logarithm); the score is the distance.</summary>
    JensenShannon,
    /// <summary>Population stability index over the reference's bins or categories.</summary>
    Psi,
}

/// <summary>When a test says "drifted": p-value tests below <see cref="PValue"/>, distances at or above <see cref="Distance"/>, PSI at or above <see cref="Psi"/>.</summary>
public sealed record DriftThresholds(double PValue = 0.05, double Distance = 0.1, double Psi = 0.2);

/// <summary>One feature's verdict. <see cref="Psi"/> is reported beside whichever test decided.</summary>
public sealed record DriftResult(string Feature, DriftTest Test, double Score, double Threshold, bool Drifted, double Psi, long Rows)
{
    public string TestName => DriftTests.Name(Test);
}

/// <summary>
/// Drift of current data against a <see cref="FeatureProfile"/>, with the tests Evidently chooses by default: a
/// reference of at most <see cref="SmallReference"/> rows gets Kolmogorov–Smirnov (numeric), chi-squared (categorical)
/// or the two-proportion z-test (two categories, or boolean), drifted at p &lt; the p-value threshold; a larger one gets
/// the normed Wasserstein distance (numeric) or the Jensen–Shannon distance (categorical, boolean), drifted at ≥ 0.1.
/// Everything comes from the profile (its sorted values, std, shares), never from the training data.
/// Missing values (NaN, null) are left out of both sides, as Evidently does.
/// </summary>
public static partial class DriftTests
{
    public const int SmallReference = ReferenceProfile.SampleSize;

    public static string Name(DriftTest test) => test switch
    {
        DriftTest.KolmogorovSmirnov => "ks",
        DriftTest.ChiSquared => "chi2",
        DriftTest.ZTest => "z",
        DriftTest.Wasserstein => "wasserstein",
        DriftTest.JensenShannon => "jensenshannon",
        _ => "psi",
    };

    /// <summary>Tests a numeric (float, integer, timestamp, boolean) column; NaN is missing.</summary>
    public static DriftResult Numeric(FeatureProfile reference, ReadOnlySpan<double> current, DriftThresholds thresholds, DriftTest? force = null)
    {
        var values = new double[current.Length];
        var n = 0;
        foreach (var v in current) if (!double.IsNaN(v)) values[n++] = v;
        Array.Resize(ref values, n);
        SortValues(values);
        var psi = DriftStatistics.PopulationStabilityIndexOfSorted(reference, values);
        if (force == DriftTest.Psi) return new(reference.Name, DriftTest.Psi, psi, thresholds.Psi, psi >= thresholds.Psi, psi, n);
        var small = reference.ValueCount <= SmallReference;
        if (reference.Type == Data.ColumnType.Boolean)
        {
            long ones = 0;
            foreach (var v in values) if (v != 0) ones++;
            var refShare = double.IsNaN(reference.Mean) ? 0 : reference.Mean;
            return Binary(reference, [refShare, 1 - refShare], [ones, n - ones], n, small, thresholds, psi);
        }
        var sample = reference.SortedValues ?? [];
        if (n == 0 || sample.Length == 0) return Undecided(reference, small ? DriftTest.KolmogorovSmirnov : DriftTest.Wasserstein, thresholds, psi, n);
        if (small && reference.HasAllValues)
        {
            var (_, p) = KolmogorovSmirnov(sample, values);
            return new(reference.Name, DriftTest.KolmogorovSmirnov, p, thresholds.PValue, p < thresholds.PValue, psi, n);
        }
        var distance = Wasserstein(sample, values) / Math.Max(double.IsNaN(reference.StdDev) ? 0 : reference.StdDev, 0.001);
        return new(reference.Name, DriftTest.Wasserstein, distance, thresholds.Distance, distance >= thresholds.Distance, psi, n);
    }

    /// <summary>Tests a categorical column given the current count of each category (missing values left out).</summary>
    public static DriftResult Categorical(FeatureProfile reference, IReadOnlyDictionary<string, long> current, DriftThresholds thresholds, DriftTest? force = null)
    {
        // The union of categories: the reference's in its order, then categories it never saw, in ordinal order.
        var keys = new List<string>(reference.Categories);
        var known = new HashSet<string>(reference.Categories, StringComparer.Ordinal);
        keys.AddRange(current.Where(kv => kv.Value > 0 && !known.Contains(kv.Key)).Select(kv => kv.Key).Order(StringComparer.Ordinal));
        var expected = new double[keys.Count];
        var observed = new double[keys.Count];
        long n = 0;
        for (var i = 0; i < keys.Count; i++)
        {
            expected[i] = i < reference.CategoryShares.Length ? reference.CategoryShares[i] : 0;
            observed[i] = current.TryGetValue(keys[i], out var c) ? c : 0;
            n += (long)observed[i];
        }
        var psi = DriftStatistics.PopulationStabilityIndex(reference, current);
        if (force == DriftTest.Psi) return new(reference.Name, DriftTest.Psi, psi, thresholds.Psi, psi >= thresholds.Psi, psi, n);
        var small = reference.ValueCount <= SmallReference;
        if (keys.Count == 2) return Binary(reference, expected, [(long)observed[0], (long)observed[1]], n, small, thresholds, psi);
        if (n == 0 || keys.Count == 0) return Undecided(reference, small ? DriftTest.ChiSquared : DriftTest.JensenShannon, thresholds, psi, n);
        if (small)
        {
            for (var i = 0; i < expected.Length; i++) expected[i] *= n;
            var (_, p) = ChiSquared(observed, expected);
            return new(reference.Name, DriftTest.ChiSquared, p, thresholds.PValue, p < thresholds.PValue, psi, n);
        }
        for (var i = 0; i < observed.Length; i++) observed[i] /= n;
        var js = JensenShannon(FillZeroes(expected), FillZeroes(observed));
        return new(reference.Name, DriftTest.JensenShannon, js, thresholds.Distance, js >= thresholds.Distance, psi, n);
    }

    /// <summary>Two categories: the z-test on the first one's share (small reference), else Jensen–Shannon.</summary>
    private static DriftResult Binary(FeatureProfile reference, double[] refShares, long[] counts, long n, bool small, DriftThresholds thresholds, double psi)
    {
        if (n == 0) return Undecided(reference, small ? DriftTest.ZTest : DriftTest.JensenShannon, thresholds, psi, n);
        if (small)
        {
            var p = ZTestPValue(refShares[0], reference.ValueCount, counts[0] / (double)n, n);
            return new(reference.Name, DriftTest.ZTest, p, thresholds.PValue, p < thresholds.PValue, psi, n);
        }
        var js = JensenShannon(FillZeroes([refShares[0], refShares[1]]), FillZeroes([counts[0] / (double)n, counts[1] / (double)n]));
        return new(reference.Name, DriftTest.JensenShannon, js, thresholds.Distance, js >= thresholds.Distance, psi, n);
    }

    /// <summary>No current values (or no reference values) to compare: reported, never drifted.</summary>
    private static DriftResult Undecided(FeatureProfile reference, DriftTest test, DriftThresholds thresholds, double psi, long n)
    {
        var pValue = test is DriftTest.KolmogorovSmirnov or DriftTest.ChiSquared or DriftTest.ZTest;
        return new(reference.Name, test, pValue ? 1 : 0, pValue ? thresholds.PValue : thresholds.Distance, false, psi, n);
    }

    /// <summary>
    /// Sorts non-NaN values ascending: an LSD radix sort on the IEEE-754 bits (11 bits a pass, passes where every value
    /// has the same digit skipped) for large windows, about 2.5× faster than <see cref="Array.Sort(Array)"/> there.
    /// </summary>
    public static void SortValues(double[] values) => SortValues(values.AsSpan());

    /// <inheritdoc cref="SortValues(double[])"/>
    public static void SortValues(Span<double> values)
    {
        var n = values.Length;
        if (n < 4096) { values.Sort(); return; }
        const ulong Sign = 0x8000_0000_0000_0000UL;
        // The two key arrays are pooled: profiling a wide frame sorts one sample per column, and fresh arrays of this
        // size would each be a large-object allocation left for the next full collection.
        var rentedKeys = System.Buffers.ArrayPool<ulong>.Shared.Rent(n);
        var rentedBuffer = System.Buffers.ArrayPool<ulong>.Shared.Rent(n);
        try
        {
            var keys = rentedKeys.AsSpan(0, n);
            var buffer = rentedBuffer.AsSpan(0, n);
            for (var i = 0; i < n; i++)
            {
                // Flipping makes the unsigned order of the bits the numeric order: negatives all bits, positives the sign bit.
                var bits = BitConverter.DoubleToUInt64Bits(values[i]);
                keys[i] = (bits & Sign) != 0 ? ~bits : bits | Sign;
            }
            const int Bits = 11, Radix = 1 << Bits;
            Span<int> counts = stackalloc int[Radix];
            for (var shift = 0; shift < 64; shift += Bits)
            {
                counts.Clear();
                foreach (var key in keys) counts[(int)((key >> shift) & (Radix - 1))]++;
                if (counts[(int)((keys[0] >> shift) & (Radix - 1))] == n) continue;
                var sum = 0;
                for (var d = 0; d < Radix; d++) (counts[d], sum) = (sum, sum + counts[d]);
                foreach (var key in keys) buffer[counts[(int)((key >> shift) & (Radix - 1))]++] = key;
                var swap = keys;
                keys = buffer;
                buffer = swap;
            }
            for (var i = 0; i < n; i++)
                values[i] = BitConverter.UInt64BitsToDouble((keys[i] & Sign) != 0 ? keys[i] & ~Sign : ~keys[i]);
        }
        finally
        {
            System.Buffers.ArrayPool<ulong>.Shared.Return(rentedKeys);
            System.Buffers.ArrayPool<ulong>.Shared.Return(rentedBuffer);
        }
    }

    /// <summary>Empty shares get a tiny weight so the distance stays finite (Evidently's rule: 1e-4, or min/10⁶ when shares are that small).</summary>
    private static double[] FillZeroes(double[] shares)
    {
        var min = double.PositiveInfinity;
        foreach (var s in shares) if (s > 0) min = Math.Min(min, s);
        var fill = double.IsPositiveInfinity(min) ? 1e-4 : min <= 1e-4 ? min / 1e6 : 1e-4;
        for (var i = 0; i < shares.Length; i++) if (shares[i] == 0) shares[i] = fill;
        return shares;
    }

    /// <summary>
    /// Two-sample Kolmogorov–Smirnov on sorted samples: the largest gap between their empirical CDFs and its two-sided
    /// p-value, as scipy's <c>ks_2samp(method='auto')</c>: exact when both samples have at most 10,000 values, else asymptotic.
    /// </summary>
    public static (double Statistic, double PValue) KolmogorovSmirnov(ReadOnlySpan<double> sortedA, ReadOnlySpan<double> sortedB)
    {
        int n1 = sortedA.Length, n2 = sortedB.Length;
        if (n1 == 0 || n2 == 0) throw new ArgumentException("Both samples need at least one value.");
        double d = 0;
        int i = 0, j = 0;
        while (i < n1 && j < n2)
        {
            // Step past every copy of the smaller value on both sides, then compare the CDFs (ties handled like searchsorted 'right').
            var x = Math.Min(sortedA[i], sortedB[j]);
            while (i < n1 && sortedA[i] <= x) i++;
            while (j < n2 && sortedB[j] <= x) j++;
            d = Math.Max(d, Math.Abs(i / (double)n1 - j / (double)n2));
        }
        return (d, KsPValue(n1, n2, d));
    }

    public static double KsPValue(int n1, int n2, double d)
    {
        const int MaxExact = 10_000;
        if (Math.Max(n1, n2) <= MaxExact)
        {
            var g = (int)System.Numerics.BigInteger.GreatestCommonDivisor(n1, n2);
            var lcm = (long)(n1 / g) * n2;
            var h = (long)Math.Round(d * lcm, MidpointRounding.ToEven);
            if (h == 0) return 1;
            var p = n1 == n2 ? ProbOutsideSquare(n1, h) : OuterProbInside(n1, n2, g, h);
            if (p is >= 0 and <= 1) return p;
        }
        // Large samples: the Kolmogorov distribution at the effective size m·n/(m+n), with Stephens' small-sample correction.
        double m = Math.Max(n1, n2), n = Math.Min(n1, n2);
        var en = Math.Sqrt(m * n / (m + n));
        return Math.Clamp(KolmogorovSurvival((en + 0.12 + 0.11 / en) * d), 0, 1);
    }

    /// <summary>Equal sample sizes: the share of lattice paths that leave the band |x − y| &lt; h (Hodges).</summary>
    private static double ProbOutsideSquare(int n, long h)
    {
        double p = 0;
        for (var k = n / h; k >= 0; k--)
        {
            double p1 = 1;
            for (long j = 0; j < h; j++) p1 = (n - k * h - j) * p1 / (n + k * h + j + 1);
            p = p1 * (1 - p);
        }
        return 2 * p;
    }

    /// <summary>
    /// Unequal sample sizes: one minus the share of lattice paths from (0,0) to (m,n) that stay strictly inside
    /// |x/m − y/n| &lt; h/lcm(m,n), computed directly as the outside share column by column (Viehmann's stable form of Hodges' method).
    /// </summary>
    private static double OuterProbInside(int m, int n, int g, long h)
    {
        if (m < n) (m, n) = (n, m);
        long mg = m / g, ng = n / g;
        long minj = 0, maxj = Math.Min(CeilDiv(h, mg), n + 1);
        var curlen = maxj - minj;
        var a = new double[Math.Min(2 * maxj + 2, n + 1)];
        Array.Fill(a, 1.0);
        for (var k = minj; k < maxj; k++) a[k] = 0;
        for (long i = 1; i <= m; i++)
        {
            long lastMinj = minj, lastLen = curlen;
            minj = Math.Min(Math.Max(FloorDiv(ng * i - h, mg) + 1, 0), n);
            maxj = Math.Min(CeilDiv(ng * i + h, mg), n + 1);
            if (maxj <= minj) return 1;
            var val = minj == 0 ? 0.0 : 1.0;
            for (long jj = 0; jj < maxj - minj; jj++)
            {
                var j = jj + minj;
                val = (a[jj + minj - lastMinj] * i + val * j) / (i + j);
                a[jj] = val;
            }
            curlen = maxj - minj;
            if (lastLen > curlen)
                for (var k = maxj - minj; k < Math.Min(maxj - minj + (lastLen - curlen), a.Length); k++) a[k] = 1;
        }
        return a[maxj - minj - 1];
    }

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);
    private static long CeilDiv(long a, long b) => -FloorDiv(-a, b);

    /// <summary>
    /// Pearson's chi-squared goodness of fit (scipy's <c>chisquare(observed, expected)</c>), k − 1 degrees of freedom.
    /// An observed count where nothing was expected makes the statistic infinite and the p-value 0.
    /// </summary>
    public static (double Statistic, double PValue) ChiSquared(ReadOnlySpan<double> observed, ReadOnlySpan<double> expected)
    {
        if (observed.Length != expected.Length || observed.Length == 0) throw new ArgumentException("Observed and expected need the same, non-zero length.");
        double stat = 0;
        for (var i = 0; i < observed.Length; i++)
        {
            var diff = observed[i] - expected[i];
            if (expected[i] == 0)
            {
                if (observed[i] != 0) return (double.PositiveInfinity, 0);
                continue;
            }
            stat += diff * diff / expected[i];
        }
        return (stat, observed.Length == 1 ? 1 : ChiSquaredSurvival(stat, observed.Length - 1));
    }

    /// <summary>
    /// Two-sided p-value of the two-proportion z-test (pooled variance), as Evidently's <c>z</c> test: share p1 of n1
    /// reference rows against share p2 of n2 current rows. Both all one value → 1.
    /// </summary>
    public static double ZTestPValue(double p1, long n1, double p2, long n2)
    {
        var pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
        var variance = pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2);
        if (variance <= 0) return p1 == p2 ? 1 : 0;
        var z = (p1 - p2) / Math.Sqrt(variance);
        // 2·(1 − Φ(|z|)) = erfc(|z|/√2) = Q(½, z²/2).
        return UpperGamma(0.5, z * z / 2);
    }

    /// <summary>First Wasserstein distance between two sorted samples (scipy's <c>wasserstein_distance</c>): ∫ |F_a − F_b|.</summary>
    public static double Wasserstein(ReadOnlySpan<double> sortedA, ReadOnlySpan<double> sortedB)
    {
        int n1 = sortedA.Length, n2 = sortedB.Length;
        if (n1 == 0 || n2 == 0) throw new ArgumentException("Both samples need at least one value.");
        double sum = 0;
        int i = 0, j = 0;
        var x = Math.Min(sortedA[0], sortedB[0]);
        while (i < n1 || j < n2)
        {
            // Both CDFs are flat from x to the next value of either sample.
            var next = Math.Min(i < n1 ? sortedA[i] : double.PositiveInfinity, j < n2 ? sortedB[j] : double.PositiveInfinity);
            sum += Math.Abs(i / (double)n1 - j / (double)n2) * (next - x);
            x = next;
            while (i < n1 && sortedA[i] <= x) i++;
            while (j < n2 && sortedB[j] <= x) j++;
        }
        return sum;
    }

    /// <summary>Jensen–Shannon distance (scipy's <c>distance.jensenshannon</c>, natural log): both vectors are normalised first.</summary>
    public static double JensenShannon(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        if (p.Length != q.Length) throw new ArgumentException("Both distributions need the same length.");
        double sp = 0, sq = 0;
        foreach (var v in p) sp += v;
        foreach (var v in q) sq += v;
        double js = 0;
        for (var i = 0; i < p.Length; i++)
        {
            double a = p[i] / sp, b = q[i] / sq, m = (a + b) / 2;
            if (a > 0) js += a * Math.Log(a / m);
            if (b > 0) js += b * Math.Log(b / m);
        }
        return Math.Sqrt(Math.Max(js / 2, 0));
    }
}

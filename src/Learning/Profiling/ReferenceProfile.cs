using MlOps.Learning.Data;

namespace MlOps.Learning.Profiling;

/// <summary>
/// The training-time distribution of one input column, for drift monitoring. Numeric columns keep
/// deciles (11 quantiles, min to max) and the share of rows in each decile bin; categorical columns keep
/// category frequencies. Shares are over non-null rows; <see cref="NullShare"/> is over all rows.
/// </summary>
/// <param name="SortedValues">
/// Numeric columns: the non-null values in ascending order — all of them when there are at most
/// <see cref="ReferenceProfile.SampleSize"/>, else that many evenly spaced quantiles (at (i + ½) / n), enough for
/// the two-sample tests and the Wasserstein distance of <see cref="DriftTests"/>. Empty for categorical columns and for
/// profiles written before it existed.
/// </param>
public sealed record FeatureProfile(
    string Name,
    ColumnType Type,
    long Count,
    double NullShare,
    double Mean,
    double StdDev,
    double[] Quantiles,
    double[] BinShares,
    string[] Categories,
    double[] CategoryShares,
    double[]? SortedValues = null)
{
    /// <summary>Rows with a value (<see cref="Count"/> less the nulls).</summary>
    public long ValueCount => Count - (long)Math.Round(NullShare * Count);

    /// <summary>True when <see cref="SortedValues"/> holds every non-null value, not quantiles of them.</summary>
    public bool HasAllValues => SortedValues is { Length: > 0 } v && v.Length == ValueCount;
}

/// <summary>Per-feature reference distributions of the data a model was trained on.</summary>
/// <param name="Target">
/// The distribution of the target the model learned: class labels (categorical) for classification, values for
/// regression — the reference for prediction drift. Null for profiles written before it existed.
/// </param>
public sealed record ReferenceProfile(long Rows, IReadOnlyList<FeatureProfile> Features, FeatureProfile? Target = null)
{
    public const int QuantileCount = 11;

    /// <summary>A numeric profile keeps every value up to this many non-null values, else this many quantiles.</summary>
    public const int SampleSize = 1000;

    public FeatureProfile? Find(string name) => Features.FirstOrDefault(f => f.Name == name);

    /// <summary>Quantiles and bin shares come from at most this many evenly spaced values; moments and range use every row.</summary>
    public const int QuantileSampleCap = 100_000;

    public static ReferenceProfile Build(TabularFrame frame, IReadOnlyList<string> columns, int maxDegreeOfParallelism = 0)
    {
        var features = new FeatureProfile[columns.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism <= 0 ? Environment.ProcessorCount : maxDegreeOfParallelism };
        // One column per task: each profile is computed by one thread, so the result does not depend on threads.
        Parallel.For(0, columns.Count, parallel, i => features[i] = Profile(frame[columns[i]]));
        return new ReferenceProfile(frame.RowCount, features);
    }

    /// <summary>The same profile with the target's distribution (see <see cref="Target"/>).</summary>
    public ReferenceProfile WithTarget(Column target) => this with { Target = Profile(target) };

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static FeatureProfile Profile(Column col)
    {
        var n = col.Length;
        var nulls = col.NullCount();
        var nullShare = n == 0 ? 0 : (double)nulls / n;
        if (col.IsCategorical)
        {
            var counts = new long[col.Categories.Count];
            foreach (var c in col.Codes) if (c >= 0) counts[c]++;
            var order = Enumerable.Range(0, counts.Length).Where(k => counts[k] > 0).OrderBy(k => col.Categories[k], StringComparer.Ordinal).ToArray();
            var nonNull = n - nulls;
            return new FeatureProfile(col.Name, col.Type, n, nullShare, double.NaN, double.NaN, [], [],
                [.. order.Select(k => col.Categories[k])], [.. order.Select(k => nonNull == 0 ? 0 : (double)counts[k] / nonNull)]);
        }
        // Moments and range over every row, straight from the column (no copy of a large column).
        var numbers = col.Numbers;
        var present = n - nulls;
        double mean = 0, ss = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in numbers)
        {
            if (double.IsNaN(v)) continue;
            mean += v;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        mean = present == 0 ? double.NaN : mean / present;
        foreach (var v in numbers) if (!double.IsNaN(v)) ss += (v - mean) * (v - mean);
        var std = present == 0 ? double.NaN : Math.Sqrt(ss / present);
        var stride = Math.Max(1, present / QuantileSampleCap);
        // The sample lives in a pooled buffer: profiling every column of a large frame would otherwise leave a
        // large-object array per column for the next full collection.
        var buffer = System.Buffers.ArrayPool<double>.Shared.Rent(Math.Max(1, Math.Min(present, QuantileSampleCap + 1)));
        try
        {
            var count = 0;
            for (int r = 0, seen = 0; r < numbers.Length; r++)
            {
                if (double.IsNaN(numbers[r])) continue;
                if (seen++ % stride == 0) buffer[count++] = numbers[r];
            }
            var sorted = buffer.AsSpan(0, count);
            sorted.Sort();
            var quantiles = new double[count == 0 ? 0 : QuantileCount];
            for (var q = 0; q < quantiles.Length; q++) quantiles[q] = Quantile(sorted, q / (double)(QuantileCount - 1));
            if (quantiles.Length > 0)
            {
                // The sample may miss the extremes; the profile's range is the data's.
                quantiles[0] = min;
                quantiles[^1] = max;
            }
            var shares = count == 0 ? [] : BinShares(sorted, quantiles);
            return new FeatureProfile(col.Name, col.Type, n, nullShare, mean, std, quantiles, shares, [], [], Sample(sorted, present));
        }
        finally
        {
            System.Buffers.ArrayPool<double>.Shared.Return(buffer);
        }
    }

    /// <summary>Share of values in each bin between consecutive inner quantiles (first and last bins are open).</summary>
    public static double[] BinShares(ReadOnlySpan<double> values, double[] quantiles)
    {
        var bins = quantiles.Length - 1;
        var shares = new double[bins];
        if (values.IsEmpty) return shares;
        foreach (var v in values) shares[BinOf(v, quantiles)]++;
        for (var b = 0; b < bins; b++) shares[b] /= values.Length;
        return shares;
    }

    public static int BinOf(double v, double[] quantiles)
    {
        // Inner edges are quantiles[1..^1]; value v falls in the first bin whose upper edge is >= v.
        var bins = quantiles.Length - 1;
        for (var b = 0; b < bins - 1; b++) if (v <= quantiles[b + 1]) return b;
        return bins - 1;
    }

    /// <summary>All values when the column has at most <see cref="SampleSize"/>, else midpoint quantiles of the sorted sample.</summary>
    private static double[] Sample(ReadOnlySpan<double> sorted, int present)
    {
        if (sorted.Length == present && present <= SampleSize) return sorted.ToArray();
        var result = new double[SampleSize];
        for (var i = 0; i < result.Length; i++) result[i] = Quantile(sorted, (i + 0.5) / SampleSize);
        return result;
    }

    private static double Quantile(ReadOnlySpan<double> sorted, double q)
    {
        var pos = q * (sorted.Length - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }
}

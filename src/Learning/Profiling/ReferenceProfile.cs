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

    /// <summary>
    /// One column's reference, from the same <see cref="ColumnProfile"/> Validation profiles batches with: moments and range
    /// over every finite value, quantiles from its <see cref="QuantileSample"/>, bin shares by the one <see cref="Binning"/>
    /// rule. Every category is kept (no limit), ±∞ are left out of the numbers as Validation leaves them out.
    /// </summary>
    public static FeatureProfile Profile(Column col)
    {
        var n = col.Length;
        if (col.IsCategorical)
        {
            var profile = new ColumnProfile { Name = col.Name, CategoryLimit = int.MaxValue };
            profile.AddCodes(col.Codes, col.Categories);
            var nonNull = profile.Count - profile.Nulls;
            var order = profile.Categories.Keys.Order(StringComparer.Ordinal).ToArray();
            return new FeatureProfile(col.Name, col.Type, n, n == 0 ? 0 : (double)profile.Nulls / n, double.NaN, double.NaN, [], [],
                order, [.. order.Select(k => nonNull == 0 ? 0 : (double)profile.Categories[k] / nonNull)]);
        }
        // The sample lives in a pooled buffer and is sorted where it is: a wide frame profiles one column after another,
        // and a fresh sample per column would leave its arrays on the large-object heap until the next full collection.
        var storage = System.Buffers.ArrayPool<double>.Shared.Rent(QuantileSample.DefaultCapacity);
        try
        {
            var profile = new ColumnProfile { Name = col.Name, SampleStorage = new QuantileSample(QuantileSample.DefaultCapacity, storage) };
            profile.AddColumn(col.Numbers);
            return Numeric(col, profile);
        }
        finally
        {
            System.Buffers.ArrayPool<double>.Shared.Return(storage);
        }
    }

    static FeatureProfile Numeric(Column col, ColumnProfile profile)
    {
        var n = col.Length;
        var present = profile.Numeric > 0;
        var sample = profile.Sample!;
        var sorted = sample.SortInPlace();
        var quantiles = new double[sorted.Length == 0 ? 0 : QuantileCount];
        for (var q = 0; q < quantiles.Length; q++) quantiles[q] = QuantileSample.Quantile(sorted, q / (double)(QuantileCount - 1));
        if (quantiles.Length > 0)
        {
            // The sample may miss the extremes; the profile's range is the data's.
            quantiles[0] = profile.Min!.Value;
            quantiles[^1] = profile.Max!.Value;
        }
        var shares = quantiles.Length < 2 ? [] : Binning.Shares(Binning.CountsOfSorted(sorted, BinEdges(quantiles)));
        return new FeatureProfile(col.Name, col.Type, n, n == 0 ? 0 : (double)profile.Nulls / n,
            present ? profile.Mean : double.NaN, profile.PopulationStd, quantiles, shares, [], [], SortedValues(sample, sorted));
    }

    /// <summary>
    /// The edges of the decile bins: bin b holds the values in (q[b], q[b + 1]], the first from −∞ and the last to +∞ —
    /// the <see cref="Binning"/> rule with edges just above the inner quantiles, so a value equal to a quantile falls in
    /// the bin below it (where most values are one number, that bin holds all of them).
    /// </summary>
    public static double[] BinEdges(double[] quantiles)
    {
        if (quantiles.Length < 2) return [];
        var edges = new double[quantiles.Length - 2];
        for (var i = 0; i < edges.Length; i++) edges[i] = Math.BitIncrement(quantiles[i + 1]);
        return edges;
    }

    /// <summary>Share of values (NaN left out) in each bin of <see cref="BinEdges"/>.</summary>
    public static double[] BinShares(ReadOnlySpan<double> values, double[] quantiles) =>
        quantiles.Length < 2 ? [] : Binning.Shares(Binning.Counts(values, BinEdges(quantiles)));

    /// <summary>All values when the sample holds every one and there are at most <see cref="SampleSize"/>, else midpoint quantiles of the sorted sample.</summary>
    private static double[] SortedValues(QuantileSample sample, ReadOnlySpan<double> sorted)
    {
        if (sorted.IsEmpty) return [];
        if (sample.HasAllValues && sorted.Length <= SampleSize) return sorted.ToArray();
        var result = new double[SampleSize];
        for (var i = 0; i < result.Length; i++) result[i] = QuantileSample.Quantile(sorted, (i + 0.5) / SampleSize);
        return result;
    }
}

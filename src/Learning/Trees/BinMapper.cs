namespace MlOps.Learning.Trees;

/// <summary>
/// Quantile bins of one feature. Bin b holds values in (Upper[b-1], Upper[b]]; the last upper bound is +inf,
/// and NaN goes to the extra bin <see cref="MissingBin"/>. Because thresholds are the bin upper bounds, a
/// split "bin &lt;= b" on binned data is exactly "value &lt;= Upper[b]" on raw data at prediction time.
/// </summary>
internal sealed class BinMapper
{
    /// <summary>Bin boundaries are fitted on at most this many rows (evenly spaced), as LightGBM does: quantiles settle long before.</summary>
    public const int SampleCap = 200_000;

    private BinMapper(double[] upper) => Upper = upper;

    public double[] Upper { get; }
    public int BinCount => Upper.Length;
    public int MissingBin => Upper.Length;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static BinMapper Fit(double[] values, int maxBins)
    {
        var stride = Math.Max(1, values.Length / SampleCap);
        // The sample is sorted in a pooled buffer: a large column's sample is otherwise a large-object-heap array per
        // feature, left for a full collection to reclaim, which dominated the memory of training after reading.
        var buffer = System.Buffers.ArrayPool<double>.Shared.Rent(Math.Max(1, Math.Min(values.Length, SampleCap + 1)));
        try
        {
            var n = 0;
            for (var i = 0; i < values.Length; i += stride) if (!double.IsNaN(values[i])) buffer[n++] = values[i];
            var sorted = buffer.AsSpan(0, n);
            sorted.Sort();
            if (sorted.Length == 0) return new BinMapper([double.PositiveInfinity]);

            // Few distinct values (at most maxBins): one bin each, bounded half-way so unseen values between them split sensibly.
            var distinct = new List<double>(maxBins + 1);
            for (var i = 0; i < sorted.Length && distinct.Count <= maxBins; i++)
                if (i == 0 || sorted[i] != sorted[i - 1]) distinct.Add(sorted[i]);
            var upper = new List<double>();
            if (distinct.Count <= maxBins)
            {
                for (var i = 0; i + 1 < distinct.Count; i++) upper.Add(distinct[i] + (distinct[i + 1] - distinct[i]) / 2);
            }
            else
            {
                for (var j = 1; j < maxBins; j++)
                {
                    var q = sorted[(int)((long)j * sorted.Length / maxBins)];
                    if (q == sorted[^1]) break;
                    if (upper.Count == 0 || q > upper[^1]) upper.Add(q);
                }
            }
            upper.Add(double.PositiveInfinity);
            return new BinMapper([.. upper]);
        }
        finally
        {
            System.Buffers.ArrayPool<double>.Shared.Return(buffer);
        }
    }

    /// <summary>The first bin whose upper bound is &gt;= v (NaN: the missing bin).</summary>
    public int Bin(double v)
    {
        if (double.IsNaN(v)) return MissingBin;
        var upper = Upper;
        // Branch-free lower bound: binning touches every value once, and a binary search's branches
        // are coin flips.
        int lo = 0, len = upper.Length;
        while (len > 1)
        {
            var half = len >> 1;
            lo = upper[lo + half - 1] < v ? lo + half : lo;
            len -= half;
        }
        return lo + (upper[lo] < v ? 1 : 0);
    }
}

/// <summary>Training features quantised to bytes, one pinned array per feature.</summary>
internal sealed class BinnedData
{
    public BinnedData(double[][] features, int maxBins, ParallelOptions parallel)
    {
        if (maxBins is < 2 or > 255) throw new ArgumentOutOfRangeException(nameof(maxBins), "maxBins must be between 2 and 255.");
        RowCount = features.Length == 0 ? 0 : features[0].Length;
        var f = features.Length;
        Mappers = new BinMapper[f];
        Columns = new byte[f][];
        var hasMissing = new bool[f];
        Parallel.For(0, f, parallel, j =>
        {
            var mapper = BinMapper.Fit(features[j], maxBins);
            var col = features[j];
            var bins = Histogram.Pinned<byte>(Math.Max(1, RowCount));
            var missing = false;
            for (var r = 0; r < col.Length; r++)
            {
                var b = mapper.Bin(col[r]);
                bins[r] = (byte)b;
                missing |= b == mapper.MissingBin;
            }
            Mappers[j] = mapper;
            Columns[j] = bins;
            hasMissing[j] = missing;
        });
        HasMissing = hasMissing;
        Offsets = new int[f + 1];
        for (var j = 0; j < f; j++) Offsets[j + 1] = Offsets[j] + Mappers[j].BinCount + 1;
    }

    public int RowCount { get; }
    public int FeatureCount => Mappers.Length;
    public BinMapper[] Mappers { get; }
    /// <summary>Bin of feature f in row r at Columns[f][r].</summary>
    public byte[][] Columns { get; }
    /// <summary>Start of each feature's segment (in bins, missing bin included) in a leaf histogram.</summary>
    public int[] Offsets { get; }
    public int TotalBins => Offsets[^1];
    public bool[] HasMissing { get; }
}

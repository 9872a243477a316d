using System.Runtime.CompilerServices;
using System.Text.Json.Serialization;

namespace MlOps.Learning.Profiling;

/// <summary>
/// Statistics of one column, fed value by value (a streamed batch) or a whole column at once, and mergeable: the profile
/// of two stretches merged in order equals the profile of both read together (exactly for counts, extremes, histogram
/// bins, category counts and the quantile sample; the moments up to rounding). Validation's batch profiles and history,
/// and the reference profile of a trained model, are all computed here.
/// </summary>
/// <remarks>
/// Stored as JSON (Validation keeps the merged profile of a dataset's accepted batches): the quantile sample is not
/// stored, so a profile read back has no quantiles (<see cref="Sample"/> is null) and a merge into it keeps none.
/// </remarks>
public sealed class ColumnProfile
{
    /// <summary>Categories counted per column before the rest are lumped together, bounding memory.</summary>
    public const int MaxCategories = 1000;
    public const string OtherCategory = "__other__";

    double _min = double.PositiveInfinity, _max = double.NegativeInfinity;
    double[]? _edges;
    double _scale;
    QuantileSample _sample = new();

    public required string Name { get; init; }
    public long Count { get; set; }
    public long Nulls { get; set; }
    public long NonFinite { get; set; }
    /// <summary>Finite numbers: the population of the moments, extremes, histogram and quantiles.</summary>
    public long Numeric { get; set; }
    public double Mean { get; set; }
    /// <summary>Sum of squared deviations from the mean (Welford's M2).</summary>
    public double M2 { get; set; }
    public double? Min { get => Numeric > 0 ? _min : null; set => _min = value ?? double.PositiveInfinity; }
    public double? Max { get => Numeric > 0 ? _max : null; set => _max = value ?? double.NegativeInfinity; }

    /// <summary>Bin edges (ascending); <see cref="Bins"/> has one more entry below the first edge and one above the last (see <see cref="Binning"/>).</summary>
    public double[]? Edges
    {
        get => _edges;
        set
        {
            _edges = value;
            _scale = value is null ? 0 : Binning.Scale(value);
        }
    }

    public long[]? Bins { get; set; }
    public Dictionary<string, long> Categories { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Categories kept by name; beyond them, new values count as <see cref="OtherCategory"/>.</summary>
    [JsonIgnore]
    public int CategoryLimit { get; init; } = MaxCategories;

    /// <summary>Values the quantile sample keeps (see <see cref="QuantileSample"/>).</summary>
    [JsonIgnore]
    public int SampleCapacity { get => _sample.Capacity; init => _sample = new QuantileSample(value); }

    /// <summary>The quantile sample to fill (one in pooled storage), instead of a new one.</summary>
    internal QuantileSample SampleStorage { init => _sample = value; }

    /// <summary>The sample quantiles come from, when it has seen every finite number of the column (not after a JSON round trip).</summary>
    [JsonIgnore]
    public QuantileSample? Sample => _sample.Seen == Numeric ? _sample : null;

    /// <summary>Sample standard deviation (n − 1); written to JSON (as the stored history always had it), never read back.</summary>
    public double Std => Numeric > 1 ? Math.Sqrt(M2 / (Numeric - 1)) : 0;

    /// <summary>Population standard deviation (n), NaN without numbers.</summary>
    [JsonIgnore]
    public double PopulationStd => Numeric > 0 ? Math.Sqrt(M2 / Numeric) : double.NaN;

    /// <summary>The q-quantile of the finite numbers (see <see cref="QuantileSample.Quantile(double)"/>), or null without numbers or sample.</summary>
    public double? Quantile(double q) => Numeric > 0 && Sample is { } sample ? sample.Quantile(q) : null;

    /// <summary>One present value that parsed as a number (NaN and ±∞ are counted as non-finite, nothing else).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddNumber(double x)
    {
        if (!double.IsFinite(x))
        {
            NonFinite++;
            return;
        }
        var n = ++Numeric;
        var delta = x - Mean;
        Mean += delta / n;
        M2 += delta * (x - Mean);
        if (x < _min) _min = x;
        if (x > _max) _max = x;
        if (Bins is { } bins)
            bins[Binning.BinOf(_edges!, x, _scale)]++;
        _sample.Add(x);
    }

    /// <summary>A whole numeric column: NaN is missing, ±∞ non-finite. Moments by two passes, merged in as a stretch would be.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddColumn(ReadOnlySpan<double> values)
    {
        long nulls = 0, nonFinite = 0, n = 0;
        double sum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in values)
        {
            if (double.IsNaN(v)) { nulls++; continue; }
            if (!double.IsFinite(v)) { nonFinite++; continue; }
            n++;
            sum += v;
            if (v < min) min = v;
            if (v > max) max = v;
        }
        Count += values.Length;
        Nulls += nulls;
        NonFinite += nonFinite;
        if (n == 0)
            return;
        var mean = sum / n;
        double ss = 0;
        var sample = Sample; // null when it already missed values: then it stays incomplete
        var bins = Bins;
        foreach (var v in values)
        {
            if (!double.IsFinite(v)) continue;
            ss += (v - mean) * (v - mean);
            sample?.Add(v);
            if (bins is not null) bins[Binning.BinOf(_edges!, v, _scale)]++;
        }
        var total = Numeric + n;
        var delta = mean - Mean;
        M2 += ss + delta * delta * Numeric * n / total;
        Mean += delta * n / total;
        Numeric = total;
        _min = Math.Min(_min, min);
        _max = Math.Max(_max, max);
    }

    public void AddCategory(string value, long count = 1)
    {
        value = Storable(value);
        if (Categories.TryGetValue(value, out var n))
            Categories[value] = n + count;
        else if (Categories.Count < CategoryLimit)
            Categories[value] = count;
        else
            Categories[OtherCategory] = Categories.GetValueOrDefault(OtherCategory) + count;
    }

    /// <summary>
    /// A category as profiles keep it: U+0000 (NUL) becomes U+FFFD. Profiles are stored in PostgreSQL (jsonb) and sent in
    /// events, and neither can hold NUL; a batch with such a value is then profiled and decided like any other.
    /// </summary>
    public static string Storable(string value) => value.Contains('\0') ? value.Replace('\0', '\uFFFD') : value;

    /// <summary>A whole categorical column: codes index <paramref name="categories"/>, a negative code is missing.</summary>
    public void AddCodes(ReadOnlySpan<int> codes, IReadOnlyList<string> categories)
    {
        var counts = new long[categories.Count];
        long nulls = 0;
        foreach (var c in codes)
            if (c >= 0) counts[c]++;
            else nulls++;
        Count += codes.Length;
        Nulls += nulls;
        for (var k = 0; k < counts.Length; k++)
            if (counts[k] > 0)
                AddCategory(categories[k], counts[k]);
    }

    /// <summary>Back to no values, keeping the edges and the buffers: a profile reused for the next stretch of a batch.</summary>
    public void Clear()
    {
        (Count, Nulls, NonFinite, Numeric, Mean, M2) = (0, 0, 0, 0, 0, 0);
        (_min, _max) = (double.PositiveInfinity, double.NegativeInfinity);
        if (Bins is not null) Array.Clear(Bins);
        Categories.Clear();
        _sample.Clear();
    }

    /// <summary>Sets the histogram's edges and empties its bins (null or empty: no histogram).</summary>
    public void WithEdges(IReadOnlyList<double>? edges)
    {
        Edges = edges is { Count: > 0 } ? [.. edges] : null;
        Bins = Edges is null ? null : new long[Edges.Length + 1];
    }

    /// <summary>Adds <paramref name="later"/>, the profile of the values after this one's (Chan et al.'s parallel update for the moments).</summary>
    public void Merge(ColumnProfile later)
    {
        var numericBefore = Numeric;
        var sample = Sample;
        Count += later.Count;
        Nulls += later.Nulls;
        NonFinite += later.NonFinite;
        if (later.Numeric > 0)
        {
            var n = Numeric + later.Numeric;
            var delta = later.Mean - Mean;
            M2 += later.M2 + delta * delta * Numeric * later.Numeric / n;
            Mean += delta * later.Numeric / n;
            Numeric = n;
            _min = Math.Min(_min, later._min);
            _max = Math.Max(_max, later._max);
        }
        if (sample is not null && later.Sample is { } laterSample)
        {
            if (numericBefore == 0)
                _sample = laterSample.Clone();
            else
                sample.Merge(laterSample);
        }
        if (Edges is not null && later.Edges is not null && Edges.AsSpan().SequenceEqual(later.Edges))
            for (var i = 0; i < Bins!.Length; i++)
                Bins[i] += later.Bins![i];
        else if (Edges is null && later.Edges is not null)
        {
            Edges = [.. later.Edges];
            Bins = [.. later.Bins!];
        }
        foreach (var (category, count) in later.Categories)
        {
            var value = Storable(category);
            if (Categories.ContainsKey(value) || Categories.Count < CategoryLimit)
                Categories[value] = Categories.GetValueOrDefault(value) + count;
            else
                Categories[OtherCategory] = Categories.GetValueOrDefault(OtherCategory) + count;
        }
    }
}

using System.Runtime.CompilerServices;

namespace MlOps.Learning.Profiling;

/// <summary>
/// A bounded, deterministic sample of a column's finite values, fed one at a time, for quantiles: every value while there
/// are at most <see cref="Capacity"/>, then a systematic sample — the values whose position is a multiple of the stride,
/// the stride doubling (and every other kept value dropped) each time the sample would overflow. Quantiles come from the
/// sorted sample by linear interpolation between neighbouring order statistics (pandas' and numpy's default), never
/// inside a histogram bin: where most values are one number, the middle quantiles are that number.
/// </summary>
/// <remarks>
/// The sample depends only on the values and their order, so a column read value by value, read whole, or read in
/// stretches that are merged in order (<see cref="Merge"/>) gives the same sample whenever every stretch kept all its
/// values; otherwise the merge keeps one value per stride of the merged sample, still a systematic sample.
/// </remarks>
public sealed class QuantileSample(int capacity = QuantileSample.DefaultCapacity)
{
    /// <summary>Values kept per column: quantiles to about 1/32,768 of the rank, and 512 KB of memory at most.</summary>
    public const int DefaultCapacity = 1 << 16;

    double[] _values = new double[Math.Min(capacity, 64)];
    bool _frozen;
    double[]? _sorted;
    long _sortedSeen = -1;

    public int Capacity { get; } = capacity >= 2 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), "at least 2");

    /// <summary>Values offered so far (the sample's population).</summary>
    public long Seen { get; private set; }

    /// <summary>Every <see cref="Stride"/>-th value is kept: 1 while the sample holds every value.</summary>
    public long Stride { get; private set; } = 1;

    /// <summary>Values kept.</summary>
    public int Count { get; private set; }

    public bool HasAllValues => Stride == 1;

    /// <summary>
    /// A sample kept in <paramref name="storage"/> (at least <paramref name="capacity"/> long, never grown): for a caller
    /// that profiles many columns one after another with one pooled buffer.
    /// </summary>
    internal QuantileSample(int capacity, double[] storage) : this(capacity)
    {
        if (storage.Length < capacity) throw new ArgumentException($"The storage must hold {capacity} values.", nameof(storage));
        _values = storage;
    }

    /// <summary>Sorts the kept values where they are and returns them; the sample takes no more values afterwards.</summary>
    internal ReadOnlySpan<double> SortInPlace()
    {
        _frozen = true;
        var kept = _values.AsSpan(0, Count);
        DriftTests.SortValues(kept);
        return kept;
    }

    /// <summary>Adds the next finite value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(double x)
    {
        if (_frozen) throw new InvalidOperationException("The sample was sorted in place and takes no more values.");
        if ((Seen++ & (Stride - 1)) != 0)
            return;
        if (Count < _values.Length)
            _values[Count++] = x; // room in the buffer: the usual case, kept inline
        else
            Keep(x, Seen - 1);
    }

    /// <summary>Appends <paramref name="later"/>, the sample of the values that came after this one's.</summary>
    public void Merge(QuantileSample later)
    {
        var values = later._values.AsSpan(0, later.Count);
        if (later.HasAllValues)
        {
            // As Add for each value, but jumping straight to the next position the stride keeps.
            for (var k = 0; k < values.Length; k++)
            {
                var skip = (int)Math.Min(values.Length - k, (Stride - (Seen & (Stride - 1))) & (Stride - 1));
                Seen += skip;
                k += skip;
                if (k == values.Length)
                    break;
                Add(values[k]);
            }
            return;
        }
        // Each kept value stands for the stride of values from its position; it is kept when that run holds a position
        // the merged stride keeps.
        var start = Seen;
        for (var k = 0; k < values.Length; k++)
        {
            var first = start + k * later.Stride;
            var next = k == values.Length - 1 ? start + later.Seen : first + later.Stride;
            Seen = next;
            var kept = (first + Stride - 1) & ~(Stride - 1);
            if (kept < next)
                Keep(values[k], kept);
        }
        Seen = start + later.Seen;
    }

    void Keep(double x, long position)
    {
        if (Count == Capacity)
        {
            Compact();
            // Still kept when the run of positions it stands for (up to Seen) holds a multiple of the doubled stride.
            if (((position + Stride - 1) & ~(Stride - 1)) >= Seen)
                return;
        }
        if (Count == _values.Length)
            Array.Resize(ref _values, (int)Math.Min(2L * _values.Length, Capacity));
        _values[Count++] = x;
    }

    // Keeps the values at even places: the positions that are multiples of twice the stride.
    void Compact()
    {
        var kept = 0;
        for (var i = 0; i < Count; i += 2)
            _values[kept++] = _values[i];
        Count = kept;
        Stride *= 2;
    }

    /// <summary>The kept values in ascending order (cached until the next value).</summary>
    public ReadOnlySpan<double> Sorted()
    {
        if (_sorted is null || _sortedSeen != Seen)
        {
            var sorted = _values.AsSpan(0, Count).ToArray();
            DriftTests.SortValues(sorted);
            (_sorted, _sortedSeen) = (sorted, Seen);
        }
        return _sorted;
    }

    /// <summary>The q-quantile (0 ≤ q ≤ 1) of the sample, or NaN when it is empty.</summary>
    public double Quantile(double q) => Quantile(Sorted(), q);

    /// <summary>Linear interpolation between the order statistics around q · (n − 1) (numpy's and pandas' default).</summary>
    public static double Quantile(ReadOnlySpan<double> sorted, double q)
    {
        if (sorted.IsEmpty)
            return double.NaN;
        var pos = Math.Clamp(q, 0, 1) * (sorted.Length - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        // Equal neighbours give exactly their value (no rounding from the interpolation).
        return sorted[lo] == sorted[hi] ? sorted[lo] : sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }

    /// <summary>Empties the sample, keeping its buffer for the next column or stretch.</summary>
    public void Clear()
    {
        (Seen, Stride, Count, _sorted, _sortedSeen) = (0, 1, 0, null, -1);
    }

    public QuantileSample Clone()
    {
        var copy = new QuantileSample(Capacity) { Seen = Seen, Stride = Stride, Count = Count };
        copy._values = _values.AsSpan(0, Math.Max(Count, 1)).ToArray();
        return copy;
    }
}

using System.Runtime.CompilerServices;
namespace MlOps.Validation.Profiling;

/// <summary>
/// Statistics of one column, mergeable: the profile of two batches merged equals the profile of both read together
/// (exactly for counts, moments, extremes, histogram bins and category counts).
/// </summary>
public sealed class ColumnProfile
{
    /// <summary>Categories counted per column before the rest are lumped together, bounding memory.</summary>
    public const int MaxCategories = 1000;
    public const string OtherCategory = "__other__";

    public required string Name { get; init; }
    public long Count { get; set; }
    public long Nulls { get; set; }
    public long NonFinite { get; set; }
    public long Numeric { get; set; }
    public double Mean { get; set; }
    public double M2 { get; set; }
    public double? Min { get; set; }
    public double? Max { get; set; }
    /// <summary>Bin edges (ascending); <see cref="Bins"/> has one more entry below the first edge and one above the last.</summary>
    public double[]? Edges { get; set; }
    public long[]? Bins { get; set; }
    public Dictionary<string, long> Categories { get; set; } = new(StringComparer.Ordinal);

    public double Std => Numeric > 1 ? Math.Sqrt(M2 / (Numeric - 1)) : 0;

    public void AddNumber(double x)
    {
        if (!double.IsFinite(x))
        {
            NonFinite++;
            return;
        }
        Numeric++;
        var delta = x - Mean;
        Mean += delta / Numeric;
        M2 += delta * (x - Mean);
        Min = Min is { } min && min <= x ? min : x;
        Max = Max is { } max && max >= x ? max : x;
        if (Edges is not null)
            Bins![BinOf(Edges, x)]++;
    }

    public void AddCategory(string value)
    {
        if (Categories.TryGetValue(value, out var n))
            Categories[value] = n + 1;
        else if (Categories.Count < MaxCategories)
            Categories[value] = 1;
        else
            Categories[OtherCategory] = Categories.GetValueOrDefault(OtherCategory) + 1;
    }

    /// <summary>Bin 0 is below the first edge; bin i holds [edge[i-1], edge[i]); the last bin is at or above the last edge.</summary>
    /// <remarks>
    /// Edges are usually equal-width (see SchemaInference.Edges), so the bin is guessed from the value and then moved
    /// until the edges agree: exact for any ascending edges, one or two comparisons for the usual ones.
    /// </remarks>
    static int BinOf(double[] edges, double x) => BinOf(edges, x, edges.Length > 1 ? (edges.Length - 1) / (edges[^1] - edges[0]) : 0);

    /// <param name="scale">(edges.Length - 1) / (last edge - first edge), computed once per column.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int BinOf(double[] edges, double x, double scale)
    {
        var last = edges.Length - 1;
        int i;
        if (last == 0 || !(x >= edges[0]))
            i = x >= edges[0] ? 1 : 0;
        else
        {
            var t = (x - edges[0]) * scale;
            i = t >= last ? last + 1 : (int)t + 1;
        }
        while (i > 0 && x < edges[i - 1])
            i--;
        while (i <= last && x >= edges[i])
            i++;
        return i;
    }

    public void WithEdges(IReadOnlyList<double>? edges)
    {
        Edges = edges is { Count: > 0 } ? [.. edges] : null;
        Bins = Edges is null ? null : new long[Edges.Length + 1];
    }

    /// <summary>Adds <paramref name="other"/> into this profile (Chan et al.'s parallel update for the moments).</summary>
    public void Merge(ColumnProfile other)
    {
        Count += other.Count;
        Nulls += other.Nulls;
        NonFinite += other.NonFinite;
        if (other.Numeric > 0)
        {
            var n = Numeric + other.Numeric;
            var delta = other.Mean - Mean;
            M2 += other.M2 + delta * delta * Numeric * other.Numeric / n;
            Mean += delta * other.Numeric / n;
            Numeric = n;
            Min = Min is { } a && other.Min is { } b ? Math.Min(a, b) : Min ?? other.Min;
            Max = Max is { } c && other.Max is { } d ? Math.Max(c, d) : Max ?? other.Max;
        }
        if (Edges is not null && other.Edges is not null && Edges.AsSpan().SequenceEqual(other.Edges))
            for (var i = 0; i < Bins!.Length; i++)
                Bins[i] += other.Bins![i];
        else if (Edges is null && other.Edges is not null)
        {
            Edges = [.. other.Edges];
            Bins = [.. other.Bins!];
        }
        foreach (var (value, count) in other.Categories)
        {
            if (Categories.ContainsKey(value) || Categories.Count < MaxCategories)
                Categories[value] = Categories.GetValueOrDefault(value) + count;
            else
                Categories[OtherCategory] = Categories.GetValueOrDefault(OtherCategory) + count;
        }
    }

    /// <summary>Approximate quantile from the histogram, interpolating linearly inside a bin.</summary>
    public double? Quantile(double q)
    {
        if (Edges is null || Bins is null || Numeric == 0)
            return null;
        var target = q * Numeric;
        double seen = 0;
        for (var i = 0; i < Bins.Length; i++)
        {
            if (Bins[i] == 0 || seen + Bins[i] < target)
            {
                seen += Bins[i];
                continue;
            }
            var lo = i == 0 ? Min!.Value : Edges[i - 1];
            var hi = i == Bins.Length - 1 ? Max!.Value : Edges[i];
            var fraction = (target - seen) / Bins[i];
            return Math.Clamp(lo + fraction * (hi - lo), Min!.Value, Max!.Value);
        }
        return Max;
    }
}

using System.Runtime.CompilerServices;

namespace MlOps.Learning.Profiling;

/// <summary>
/// The one histogram rule of every profile (Validation's histograms and skew, the reference profile's bin shares, drift):
/// ascending edges e₀ … eₖ make k + 2 bins — bin 0 below e₀, bin i holding [eᵢ₋₁, eᵢ), the last one at or above eₖ.
/// A bin that should hold its upper edge ("at most q", as the reference's decile bins do) gets the edge
/// <see cref="Math.BitIncrement"/>(q): for doubles, x ≤ q exactly when x &lt; BitIncrement(q).
/// </summary>
public static class Binning
{
    /// <summary>(edges.Length − 1) / (last edge − first edge): computed once per set of edges for <see cref="BinOf(double[], double, double)"/>.</summary>
    public static double Scale(double[] edges) => edges.Length > 1 ? (edges.Length - 1) / (edges[^1] - edges[0]) : 0;

    public static int BinOf(double[] edges, double x) => BinOf(edges, x, Scale(edges));

    /// <remarks>
    /// Edges are often equal-width (a schema's), so the bin is guessed from the value and then moved until the edges
    /// agree: exact for any ascending edges, one or two comparisons for equal-width ones.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int BinOf(double[] edges, double x, double scale)
    {
        var last = edges.Length - 1;
        int i;
        if (last == 0 || !(x >= edges[0]))
            i = x >= edges[0] ? 1 : 0;
        else
        {
            var t = (x - edges[0]) * scale;
            i = t >= last ? last + 1 : (int)t + 1; // a NaN t (equal first and last edges) converts to 0; the loops below settle it
        }
        while (i > 0 && x < edges[i - 1])
            i--;
        while (i <= last && x >= edges[i])
            i++;
        return i;
    }

    /// <summary>Counts values (NaN skipped) into the <c>edges.Length + 1</c> bins.</summary>
    public static long[] Counts(ReadOnlySpan<double> values, double[] edges)
    {
        var counts = new long[edges.Length + 1];
        var scale = Scale(edges);
        foreach (var v in values)
            if (!double.IsNaN(v))
                counts[BinOf(edges, v, scale)]++;
        return counts;
    }

    /// <summary>The same counts for values already sorted ascending (no NaN): one binary search per edge.</summary>
    public static long[] CountsOfSorted(ReadOnlySpan<double> sorted, double[] edges)
    {
        var counts = new long[edges.Length + 1];
        var below = 0;
        for (var e = 0; e < edges.Length; e++)
        {
            var upTo = Below(sorted, edges[e]);
            counts[e] = upTo - below;
            below = upTo;
        }
        counts[^1] = sorted.Length - below;
        return counts;
    }

    /// <summary>Each count divided by their total (all zero when there are none).</summary>
    public static double[] Shares(long[] counts)
    {
        long total = 0;
        foreach (var c in counts) total += c;
        var shares = new double[counts.Length];
        if (total > 0)
            for (var i = 0; i < counts.Length; i++) shares[i] = counts[i] / (double)total;
        return shares;
    }

    // How many sorted values lie below the edge (the first index whose value is >= it).
    static int Below(ReadOnlySpan<double> sorted, double edge)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] < edge) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}

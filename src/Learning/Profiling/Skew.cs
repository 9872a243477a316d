namespace MlOps.Learning.Profiling;

/// <summary>Distances between two profiles of a column — Validation's skew of a batch against its dataset's accepted history.</summary>
public static class Skew
{
    /// <summary>Largest absolute difference in category frequency over the union of categories.</summary>
    public static double LInfinity(IReadOnlyDictionary<string, long> batch, IReadOnlyDictionary<string, long> history)
    {
        double nb = batch.Values.Sum(), nh = history.Values.Sum();
        if (nb == 0 || nh == 0)
            return 0;
        var worst = 0.0;
        foreach (var key in batch.Keys.Union(history.Keys))
            worst = Math.Max(worst, Math.Abs(batch.GetValueOrDefault(key) / nb - history.GetValueOrDefault(key) / nh));
        return worst;
    }

    /// <summary>Jensen–Shannon divergence (log base 2, so 0 … 1) between two histograms on the same bins.</summary>
    public static double JensenShannon(ReadOnlySpan<long> p, ReadOnlySpan<long> q)
    {
        if (p.Length != q.Length)
            throw new ArgumentException("histograms must have the same bins");
        double np = 0, nq = 0;
        foreach (var v in p) np += v;
        foreach (var v in q) nq += v;
        if (np == 0 || nq == 0)
            return 0;
        var js = 0.0;
        for (var i = 0; i < p.Length; i++)
        {
            double a = p[i] / np, b = q[i] / nq, m = (a + b) / 2;
            if (a > 0) js += 0.5 * a * Math.Log2(a / m);
            if (b > 0) js += 0.5 * b * Math.Log2(b / m);
        }
        return Math.Clamp(js, 0, 1);
    }

    public const string LInfinityKind = "linf";
    public const string JensenShannonKind = "js";

    /// <summary>The distance of <paramref name="kind"/> between two profiles, or null when they cannot be compared that way.</summary>
    public static double? Compare(ColumnProfile batch, ColumnProfile history, string kind) => kind switch
    {
        LInfinityKind when batch.Categories.Count > 0 && history.Categories.Count > 0 => LInfinity(batch.Categories, history.Categories),
        JensenShannonKind when batch.Bins is not null && history.Bins is not null && batch.Bins.Length == history.Bins.Length => JensenShannon(batch.Bins, history.Bins),
        _ => null,
    };
}

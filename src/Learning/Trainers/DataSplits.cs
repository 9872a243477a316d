namespace MlOps.Learning.Trainers;

/// <summary>Seeded train/test splits and k-fold assignment. Index lists come back in ascending order.</summary>
public static class DataSplits
{
    /// <summary>
    /// A random split; with <paramref name="strata"/> (class indices) each class is split in the same
    /// proportion, so a rare class appears on both sides.
    /// </summary>
    public static (int[] Train, int[] Test) Random(int rows, double holdout, int seed, ReadOnlySpan<double> strata = default)
    {
        if (holdout is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(holdout), "holdout must be in (0, 1).");
        var random = new Random(seed);
        var test = new List<int>();
        foreach (var group in Groups(rows, strata))
        {
            Shuffle(group, random);
            var take = (int)Math.Round(group.Length * holdout);
            if (take == 0 && group.Length > 1 && !strata.IsEmpty) take = 1;
            test.AddRange(group.AsSpan(0, Math.Min(take, group.Length - (group.Length > 1 ? 1 : 0))));
        }
        return Complement(rows, test);
    }

    /// <summary>The latest <paramref name="holdout"/> share of rows by time is the test set (ties keep row order).</summary>
    public static (int[] Train, int[] Test) ByTime(ReadOnlySpan<double> time, double holdout)
    {
        if (holdout is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(holdout), "holdout must be in (0, 1).");
        var order = new int[time.Length];
        var keys = new double[time.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
            keys[i] = double.IsNaN(time[i]) ? double.NegativeInfinity : time[i];
        }
        // Stable: sort by (time, row) so equal timestamps keep their original order.
        Array.Sort(order, (a, b) => keys[a] != keys[b] ? keys[a].CompareTo(keys[b]) : a.CompareTo(b));
        var testCount = (int)Math.Round(time.Length * holdout);
        return Complement(time.Length, [.. order[(time.Length - testCount)..]]);
    }

    /// <summary>Fold number (0..k-1) per row; stratified by class when <paramref name="strata"/> is given.</summary>
    public static int[] KFold(int rows, int k, int seed, ReadOnlySpan<double> strata = default)
    {
        if (k < 2 || k > rows) throw new ArgumentOutOfRangeException(nameof(k), "k must be between 2 and the number of rows.");
        var random = new Random(seed);
        var fold = new int[rows];
        var next = 0;
        foreach (var group in Groups(rows, strata))
        {
            Shuffle(group, random);
            // Continue the round-robin across classes so fold sizes stay balanced.
            foreach (var r in group) fold[r] = next++ % k;
        }
        return fold;
    }

    private static List<int[]> Groups(int rows, ReadOnlySpan<double> strata)
    {
        if (strata.IsEmpty) return [Enumerable.Range(0, rows).ToArray()];
        var byClass = new SortedDictionary<double, List<int>>();
        for (var i = 0; i < rows; i++)
        {
            if (!byClass.TryGetValue(strata[i], out var list)) byClass[strata[i]] = list = [];
            list.Add(i);
        }
        return [.. byClass.Values.Select(l => l.ToArray())];
    }

    private static void Shuffle(int[] a, Random random)
    {
        for (var i = a.Length - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (a[i], a[j]) = (a[j], a[i]);
        }
    }

    private static (int[] Train, int[] Test) Complement(int rows, List<int> test)
    {
        var isTest = new bool[rows];
        foreach (var r in test) isTest[r] = true;
        var train = new List<int>(rows - test.Count);
        var testSorted = new List<int>(test.Count);
        for (var r = 0; r < rows; r++) (isTest[r] ? testSorted : train).Add(r);
        return ([.. train], [.. testSorted]);
    }
}

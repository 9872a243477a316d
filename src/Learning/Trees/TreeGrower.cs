namespace MlOps.Learning.Trees;

/// <summary>
/// Grows one regression tree on gradient statistics, leaf-wise: always split the leaf whose best split
/// gains most, until <c>leaves</c> leaves. Only the smaller child's histogram is built from rows; the
/// larger one is parent minus smaller. Row indices of each leaf stay contiguous (and ascending) in one array.
/// </summary>
internal sealed unsafe class TreeGrower
{
    private sealed class Leaf
    {
        public int Begin, Count, Depth, ParentNode = -1;
        public bool IsLeft;
        public double G, H;
        public double[] Hist = [];
        public SplitCandidate Best = SplitCandidate.None;
    }

    /// <summary>Below this many (rows x features), threads cost more than they save.</summary>
    private const long ParallelWork = 64_000;

    private readonly BinnedData _data;
    private readonly GbdtOptions _o;
    // The threads of the tree being grown (Grow's argument): a grower grows one tree at a time.
    private ParallelOptions _parallel = new();
    private readonly int[] _rows;
    private readonly double[] _scratch;
    private int[]? _gather;
    private readonly int[] _tmp;
    private readonly float[] _ordered;
    private readonly Stack<double[]> _pool = new();

    public TreeGrower(BinnedData data, GbdtOptions options)
    {
        _data = data;
        _o = options;
        _tmp = new int[data.RowCount];
        _ordered = Histogram.Pinned<float>(4 * Math.Max(1, data.RowCount));
        _rows = Histogram.Pinned<int>(Math.Max(1, data.RowCount));
        // One scratch segment per possible block (there are never more blocks than features).
        _scratch = Histogram.Pinned<double>(Math.Max(1, data.FeatureCount) * 256 * Histogram.Stride);
    }

    /// <summary>Row indices after growing: leaf i owns Rows[LeafBegin[i] .. +LeafCount[i]].</summary>
    public ReadOnlySpan<int> Rows => _rows;

    /// <param name="SplitGains">The gain of each node's split (Nodes[i] made the i-th split).</param>
    public sealed record Result(TreeNode[] Nodes, double[] SplitGains, double[] LeafValues, int[] LeafBegin, int[] LeafCount, int Root);

    /// <param name="gh">Pinned quads (gradient, hessian, 1, 0) per row of the whole training set.</param>
    /// <param name="bag">Sorted rows to grow on, or null for all rows.</param>
    /// <param name="features">Features this tree may split on, ascending.</param>
    /// <param name="parallel">Threads for this tree.</param>
    public Result Grow(float[] gh, int[]? bag, int[] features, ParallelOptions parallel)
    {
        _parallel = parallel;
        var n = bag?.Length ?? _data.RowCount;
        if (bag is null) for (var i = 0; i < n; i++) _rows[i] = i;
        else bag.CopyTo(_rows, 0);

        double g = 0, h = 0;
        for (var i = 0; i < n; i++)
        {
            var r = _rows[i];
            g += gh[4 * r];
            h += gh[4 * r + 1];
        }
        var root = new Leaf { Begin = 0, Count = n, G = g, H = h, Hist = Rent() };
        var leaves = new List<Leaf> { root };
        var nodes = new List<TreeNode>();
        var splitGains = new List<double>();
        FillAndFindBest(root, null, features, bag is null, gh);

        while (leaves.Count < _o.Leaves)
        {
            Leaf? best = null;
            foreach (var l in leaves) if (l.Best.IsValid && (best is null || l.Best.Gain > best.Best.Gain)) best = l;
            if (best is null) break;
            var s = best.Best;
            splitGains.Add(s.Gain);
            var leftCount = Partition(best, s);
            var nodeIndex = nodes.Count;
            nodes.Add(new TreeNode(_data.Mappers[s.Feature].Upper[s.Bin], s.Feature, 0, 0, s.DefaultLeft));
            if (best.ParentNode >= 0) SetChild(nodes, best.ParentNode, best.IsLeft, nodeIndex);
            var left = new Leaf { Begin = best.Begin, Count = leftCount, G = s.LeftG, H = s.LeftH, Depth = best.Depth + 1, ParentNode = nodeIndex, IsLeft = true };
            var right = new Leaf { Begin = best.Begin + leftCount, Count = best.Count - leftCount, G = best.G - s.LeftG, H = best.H - s.LeftH, Depth = best.Depth + 1, ParentNode = nodeIndex, IsLeft = false };
            var (small, large) = left.Count <= right.Count ? (left, right) : (right, left);
            large.Hist = best.Hist;
            small.Hist = Rent();
            FillAndFindBest(small, large, features, false, gh);
            leaves.Remove(best);
            leaves.Add(left);
            leaves.Add(right);
        }

        // Leaves in order of their position in the row array: a stable, thread-independent numbering.
        leaves.Sort((a, b) => a.Begin.CompareTo(b.Begin));
        var values = new double[leaves.Count];
        var begins = new int[leaves.Count];
        var counts = new int[leaves.Count];
        for (var i = 0; i < leaves.Count; i++)
        {
            var l = leaves[i];
            values[i] = -l.G / (l.H + _o.L2) * _o.LearningRate;
            begins[i] = l.Begin;
            counts[i] = l.Count;
            if (l.ParentNode >= 0) SetChild(nodes, l.ParentNode, l.IsLeft, ~i);
            _pool.Push(l.Hist);
        }
        return new Result([.. nodes], [.. splitGains], values, begins, counts, nodes.Count == 0 ? ~0 : 0);
    }

    private static void SetChild(List<TreeNode> nodes, int node, bool left, int child) =>
        nodes[node] = left ? nodes[node] with { Left = child } : nodes[node] with { Right = child };

    private double[] Rent() => _pool.Count > 0 ? _pool.Pop() : Histogram.Pinned<double>(_data.TotalBins * Histogram.Stride);

    /// <summary>
    /// Builds <paramref name="small"/>'s histogram from its rows, turns the parent's histogram (held by
    /// <paramref name="large"/>) into the sibling's by subtraction, and finds both leaves' best splits.
    /// </summary>
    private void FillAndFindBest(Leaf small, Leaf? large, int[] features, bool allRowsInOrder, float[] gh)
    {
        float* ordered;
        int* rows = allRowsInOrder ? null : Histogram.Pointer(_rows) + small.Begin;
        if (allRowsInOrder) ordered = Histogram.Pointer(gh);
        else
        {
            // Gather the leaf's gradients once so every feature block streams them contiguously
            // (a pure copy, so chunking it over threads cannot change any result).
            var src = (long*)Histogram.Pointer(gh);
            var dst = (long*)Histogram.Pointer(_ordered);
            var leafRows = rows;
            var total = small.Count;
            var chunks = total >= ParallelPartitionRows && _parallel.MaxDegreeOfParallelism != 1 ? PartitionChunks : 1;
            var size = (total + chunks - 1) / chunks;
            void Gather(int c)
            {
                var end = Math.Min(total, (c + 1) * size);
                for (var i = c * size; i < end; i++)
                {
                    var r = leafRows[i];
                    dst[2 * i] = src[2 * r];
                    dst[2 * i + 1] = src[2 * r + 1];
                }
            }
            if (chunks == 1) Gather(0);
            else Parallel.For(0, chunks, _parallel, Gather);
            ordered = Histogram.Pointer(_ordered);
        }
        var bestSmall = new SplitCandidate[features.Length];
        var bestLarge = new SplitCandidate[features.Length];
        var sc = (double)small.Count;
        var lc = large is null ? 0 : (double)large.Count;
        var threads = _parallel.MaxDegreeOfParallelism;
        var parallel = (long)small.Count * features.Length >= ParallelWork && threads != 1;
        // Blocks of three or four features, as many as a multiple of the thread count, so threads get
        // equal shares (28 features on 2 threads: 4+4+3+3 each, not 16 against 12).
        var blocks = (features.Length + Histogram.Block - 1) / Histogram.Block;
        if (parallel)
        {
            var t = threads > 0 ? threads : Environment.ProcessorCount;
            var even = (blocks + t - 1) / t * t;
            if (even * (Histogram.Block - 1) <= features.Length) blocks = even;
        }
        var count = small.Count;
        var scratch = _scratch;

        void Work(int block)
        {
            var from = (int)((long)block * features.Length / blocks);
            var to = (int)((long)(block + 1) * features.Length / blocks);
            var binPtrs = stackalloc byte*[Histogram.Block];
            var segPtrs = stackalloc double*[Histogram.Block];
            var hist = Histogram.Pointer(small.Hist);
            for (var slot = 0; slot < Histogram.Block; slot++)
            {
                var i = from + slot;
                if (i < to)
                {
                    var f = features[i];
                    binPtrs[slot] = Histogram.Pointer(_data.Columns[f]);
                    segPtrs[slot] = hist + _data.Offsets[f] * Histogram.Stride;
                    new Span<double>(segPtrs[slot], (_data.Mappers[f].BinCount + 1) * Histogram.Stride).Clear();
                }
                else
                {
                    // Pad a short block: the extra slot adds into a per-block scratch segment nobody reads.
                    binPtrs[slot] = binPtrs[0];
                    segPtrs[slot] = Histogram.Pointer(scratch) + block * 256 * Histogram.Stride;
                }
            }
            if (to - from == 3) Histogram.AccumulateBlock3(binPtrs, segPtrs, rows, ordered, count);
            else Histogram.AccumulateBlock(binPtrs, segPtrs, rows, ordered, count);
            for (var i = from; i < to; i++)
            {
                var f = features[i];
                var nb = _data.Mappers[f].BinCount;
                var off = _data.Offsets[f] * Histogram.Stride;
                var len = (nb + 1) * Histogram.Stride;
                var seg = small.Hist.AsSpan(off, len);
                bestSmall[i] = CanSplit(small) ? SplitFinder.Best(seg, f, nb, small.G, small.H, sc, _o.L2, _o.MinSamplesLeaf) : SplitCandidate.None;
                if (large is null) continue;
                var parent = large.Hist.AsSpan(off, len);
                Histogram.Subtract(parent, seg);
                bestLarge[i] = CanSplit(large) ? SplitFinder.Best(parent, f, nb, large.G, large.H, lc, _o.L2, _o.MinSamplesLeaf) : SplitCandidate.None;
            }
        }

        if (parallel) Parallel.For(0, blocks, _parallel, Work);
        else for (var b = 0; b < blocks; b++) Work(b);

        small.Best = Reduce(bestSmall);
        if (large is not null) large.Best = Reduce(bestLarge);
    }

    private bool CanSplit(Leaf l) => l.Count >= 2 * _o.MinSamplesLeaf && (_o.MaxDepth <= 0 || l.Depth < _o.MaxDepth);

    /// <summary>Fixed-order reduction: the lowest feature index wins a tie, whatever the thread count.</summary>
    private static SplitCandidate Reduce(SplitCandidate[] candidates)
    {
        var best = SplitCandidate.None;
        foreach (var c in candidates) if (c.Feature >= 0 && c.Gain > best.Gain) best = c;
        return best;
    }

    /// <summary>Above this many rows a split's partition runs in parallel chunks.</summary>
    private const int ParallelPartitionRows = 32_768;
    private const int PartitionChunks = 8;

    /// <summary>
    /// Stable partition of the leaf's rows: left rows first, both sides keep ascending order. A stable
    /// partition has exactly one result, so chunking it over threads cannot change the outcome.
    /// </summary>
    private int Partition(Leaf leaf, SplitCandidate s)
    {
        if (leaf.Count < ParallelPartitionRows || _parallel.MaxDegreeOfParallelism == 1)
            return PartitionRange(leaf.Begin, leaf.Count, s, _tmp, 0);
        var lefts = new int[PartitionChunks];
        var size = (leaf.Count + PartitionChunks - 1) / PartitionChunks;
        // Each chunk partitions in place within its own range (right rows parked in the same range of _tmp).
        Parallel.For(0, PartitionChunks, _parallel, c =>
        {
            var from = c * size;
            var count = Math.Max(0, Math.Min(leaf.Count, from + size) - from);
            lefts[c] = PartitionRange(leaf.Begin + from, count, s, _tmp, from);
        });
        // Gather: left parts in chunk order, then right parts in chunk order.
        var totalLeft = 0;
        foreach (var l in lefts) totalLeft += l;
        var gathered = _gather ??= new int[_data.RowCount];
        int leftAt = 0, rightAt = totalLeft;
        for (var c = 0; c < PartitionChunks; c++)
        {
            var from = c * size;
            var count = Math.Max(0, Math.Min(leaf.Count, from + size) - from);
            var src = new ReadOnlySpan<int>(_rows, leaf.Begin + from, count);
            src[..lefts[c]].CopyTo(gathered.AsSpan(leftAt));
            src[lefts[c]..].CopyTo(gathered.AsSpan(rightAt));
            leftAt += lefts[c];
            rightAt += count - lefts[c];
        }
        gathered.AsSpan(0, leaf.Count).CopyTo(_rows.AsSpan(leaf.Begin, leaf.Count));
        return totalLeft;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private int PartitionRange(int begin, int count, SplitCandidate s, int[] tmp, int tmpOffset)
    {
        var bins = Histogram.Pointer(_data.Columns[s.Feature]);
        var missing = _data.Mappers[s.Feature].MissingBin;
        var rows = Histogram.Pointer(_rows) + begin;
        int nl = 0, nr = 0;
        // Branch-free: a split is a coin flip per row, and mispredictions would dominate.
        var threshold = s.Bin;
        var missingLeft = s.DefaultLeft ? 1 : 0;
        fixed (int* t = &tmp[tmpOffset == tmp.Length ? 0 : tmpOffset])
        {
            for (var i = 0; i < count; i++)
            {
                var r = rows[i];
                int b = bins[r];
                var left = b == missing ? missingLeft : (b <= threshold ? 1 : 0);
                rows[nl] = r;
                t[nr] = r;
                nl += left;
                nr += 1 - left;
            }
            new Span<int>(t, nr).CopyTo(new Span<int>(rows + nl, nr));
        }
        return nl;
    }
}

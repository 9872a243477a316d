namespace MlOps.Learning.Trees;

/// <summary>The fitted trees plus what training learned about them.</summary>
public sealed record GbdtResult(TreeEnsemble Ensemble, double[] FeatureGains, int Rounds, double[] ValidationLoss);

/// <summary>
/// Histogram gradient boosting (binary log-loss, multiclass softmax, squared error). Deterministic for a
/// given seed whatever the thread count: threads only split work over features or over fixed row chunks,
/// and every sum that crosses rows is taken in row order by one thread.
/// </summary>
public static class GbdtTrainer
{
    private const int GradientChunk = 1 << 15;
    private static readonly ParallelOptions Serial = new() { MaxDegreeOfParallelism = 1 };

    /// <param name="features">Training features, column-major (features[f][row]); NaN is missing.</param>
    /// <param name="y">Target: the value (regression), 0/1 (binary) or the class index (multiclass).</param>
    /// <param name="validation">Optional early-stopping set (column-major features and targets).</param>
    /// <param name="progress">Told the rounds done after each round.</param>
    public static GbdtResult Train(double[][] features, double[] y, TaskKind task, int classCount, GbdtOptions options,
        Random random, int maxDegreeOfParallelism, (double[][] Features, double[] Y)? validation = null, IProgress<Trainers.TrainingProgress>? progress = null)
    {
        options.Validate();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism <= 0 ? Environment.ProcessorCount : maxDegreeOfParallelism };
        var n = y.Length;
        if (n == 0) throw new ArgumentException("No training rows.");
        var data = new BinnedData(features, options.MaxBins, parallel);
        var objective = new GbdtObjective(task, classCount);
        var k = objective.K;
        var baseScores = objective.InitialScores(y);
        var scores = new double[n * k];
        for (var i = 0; i < n; i++) baseScores.CopyTo(scores, i * k);
        var gh = new float[k][];
        for (var c = 0; c < k; c++)
        {
            gh[c] = Histogram.Pinned<float>(4 * n);
            for (var i = 0; i < n; i++) gh[c][4 * i + 2] = 1;
        }

        var validScores = validation is { } v ? new double[v.Y.Length * k] : null;
        if (validScores is not null) for (var i = 0; i < validation!.Value.Y.Length; i++) baseScores.CopyTo(validScores, i * k);

        var threads = parallel.MaxDegreeOfParallelism;
        var growers = new TreeGrower[k > 1 && threads > 1 ? Math.Min(threads, k) : 1];
        for (var t = 0; t < growers.Length; t++) growers[t] = new TreeGrower(data, options);
        var gains = new double[features.Length];
        var trees = new List<TreeGrower.Result>();
        var validLoss = new List<double>();
        var bestLoss = double.PositiveInfinity;
        var bestRound = -1;
        var gainsAtBest = new double[features.Length];
        var allFeatures = Enumerable.Range(0, features.Length).ToArray();
        var inBag = options.RowFraction < 1 ? new bool[n] : null;

        // Each class's latest tree as the leaf of every row: its values are added to the scores in the next round's
        // gradient pass, which walks the scores in row order. Adding them leaf by leaf instead (rows ascending but
        // scattered over the whole score array) missed the cache on almost every row: 10% of a multiclass run.
        var leafOf = options.Leaves <= 256 ? new byte[k][] : null;
        if (leafOf is not null) for (var c = 0; c < k; c++) leafOf[c] = new byte[n];
        var pendingValues = new double[k][];
        var pending = false;

        // After growing class c's tree: note each row's leaf (or add the leaf values to the scores straight away when
        // leaves do not fit a byte), score the rows left out of the bag and the validation rows. Each class writes only
        // its own scores and leaf array, so classes can finish on different threads.
        void Finish(int c, TreeGrower grower, TreeGrower.Result tree, ParallelOptions threadsFor)
        {
            if (leafOf is not null)
            {
                // Leaves own disjoint rows, so each row's leaf is written once whichever thread writes it.
                var rowLeaf = leafOf[c];
                Parallel.For(0, tree.LeafValues.Length, threadsFor, leaf =>
                {
                    var b = (byte)leaf;
                    foreach (var r in grower.Rows.Slice(tree.LeafBegin[leaf], tree.LeafCount[leaf])) rowLeaf[r] = b;
                });
                if (inBag is not null)
                    for (var r = 0; r < n; r++)
                        if (!inBag[r]) rowLeaf[r] = (byte)LeafOf(tree, features, r);
                pendingValues[c] = tree.LeafValues;
            }
            else
            {
                // Leaves own disjoint rows, so each score gets exactly one add whichever thread makes it.
                Parallel.For(0, tree.LeafValues.Length, threadsFor, leaf =>
                {
                    var value = tree.LeafValues[leaf];
                    foreach (var r in grower.Rows.Slice(tree.LeafBegin[leaf], tree.LeafCount[leaf])) scores[r * k + c] += value;
                });
                if (inBag is not null)
                    for (var r = 0; r < n; r++)
                        if (!inBag[r]) scores[r * k + c] += tree.LeafValues[LeafOf(tree, features, r)];
            }
            if (validScores is not null)
            {
                var vf = validation!.Value.Features;
                for (var r = 0; r < validation.Value.Y.Length; r++) validScores[r * k + c] += tree.LeafValues[LeafOf(tree, vf, r)];
            }
        }

        for (var round = 0; round < options.Trees; round++)
        {
            var chunks = (n + GradientChunk - 1) / GradientChunk;
            var apply = pending;
            Parallel.For(0, chunks, parallel, c =>
            {
                int from = c * GradientChunk, to = Math.Min(n, (c + 1) * GradientChunk);
                if (apply) AddLeafValues(scores, k, leafOf!, pendingValues, from, to);
                objective.Gradients(scores, y, gh, from, to);
            });
            pending = false;
            var bag = inBag is null ? null : SampleRows(n, options.RowFraction, random, inBag);
            var feats = options.FeatureFraction < 1 ? SampleFeatures(features.Length, options.FeatureFraction, random) : allFeatures;

            // Multiclass: whole trees on their own threads, one class each, as long as every thread gets one; the
            // classes left over (5 classes on 2 threads: the fifth) grow one at a time with the threads splitting each
            // tree's work. A tree's histograms and splits do not depend on how its work is split, so this changes no
            // result; it saves the per-split synchronisation of threads that a tree's small leaves cannot pay for.
            var results = new TreeGrower.Result[k];
            var concurrent = growers.Length > 1 ? k / growers.Length * growers.Length : 0;
            for (var wave = 0; wave < concurrent; wave += growers.Length)
            {
                var first = wave;
                Parallel.For(0, growers.Length, parallel, t =>
                {
                    var c = first + t;
                    results[c] = growers[t].Grow(gh[c], bag, feats, Serial);
                    Finish(c, growers[t], results[c], Serial);
                });
            }
            for (var c = concurrent; c < k; c++)
            {
                results[c] = growers[0].Grow(gh[c], bag, feats, parallel);
                Finish(c, growers[0], results[c], parallel);
            }
            // Gains are added split by split, tree by tree in class order: the same sums as when one tree grew at a time.
            foreach (var tree in results)
            {
                trees.Add(tree);
                for (var i = 0; i < tree.Nodes.Length; i++) gains[tree.Nodes[i].Feature] += tree.SplitGains[i];
            }
            pending |= leafOf is not null;

            progress?.Report(new Trainers.TrainingProgress(round + 1, options.Trees));
            if (validScores is null || options.EarlyStoppingRounds <= 0) continue;
            var loss = objective.Loss(validScores, validation!.Value.Y);
            validLoss.Add(loss);
            if (loss < bestLoss - 1e-12)
            {
                bestLoss = loss;
                bestRound = round;
                gains.CopyTo(gainsAtBest, 0);
            }
            else if (round - bestRound >= options.EarlyStoppingRounds) break;
        }

        var rounds = trees.Count / k;
        if (bestRound >= 0 && options.EarlyStoppingRounds > 0)
        {
            rounds = bestRound + 1;
            trees.RemoveRange(rounds * k, trees.Count - rounds * k);
            gains = gainsAtBest;
        }
        return new GbdtResult(Assemble(features.Length, baseScores, trees), gains, rounds, [.. validLoss]);
    }

    /// <summary>Adds each class's pending tree to the scores of rows [from, to): one add per score, as before.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void AddLeafValues(double[] scores, int k, byte[][] leafOf, double[][] values, int from, int to)
    {
        if (k == 1)
        {
            var rowLeaf = leafOf[0];
            var v = values[0];
            for (var r = from; r < to; r++) scores[r] += v[rowLeaf[r]];
            return;
        }
        for (var r = from; r < to; r++)
        {
            var at = r * k;
            for (var c = 0; c < k; c++) scores[at + c] += values[c][leafOf[c][r]];
        }
    }

    private static int LeafOf(TreeGrower.Result tree, double[][] features, int row)
    {
        var node = tree.Root;
        var nodes = tree.Nodes;
        while (node >= 0)
        {
            var nd = nodes[node];
            var x = features[nd.Feature][row];
            node = x <= nd.Threshold ? nd.Left : double.IsNaN(x) ? (nd.DefaultLeft ? nd.Left : nd.Right) : nd.Right;
        }
        return ~node;
    }

    private static int[] SampleRows(int n, double fraction, Random random, bool[] inBag)
    {
        var rows = new List<int>((int)(n * fraction) + 16);
        for (var r = 0; r < n; r++)
        {
            inBag[r] = random.NextDouble() < fraction;
            if (inBag[r]) rows.Add(r);
        }
        if (rows.Count == 0) { rows.Add(0); inBag[0] = true; }
        return [.. rows];
    }

    private static int[] SampleFeatures(int count, double fraction, Random random)
    {
        var take = Math.Max(1, (int)Math.Round(count * fraction));
        var all = Enumerable.Range(0, count).ToArray();
        for (var i = 0; i < take; i++)
        {
            var j = i + random.Next(count - i);
            (all[i], all[j]) = (all[j], all[i]);
        }
        var chosen = all[..take];
        Array.Sort(chosen);
        return chosen;
    }

    /// <summary>Concatenates trees into one flat ensemble, rebasing node and leaf indices.</summary>
    private static TreeEnsemble Assemble(int featureCount, double[] baseScores, List<TreeGrower.Result> trees)
    {
        var nodes = new List<TreeNode>();
        var leaves = new List<double>();
        var roots = new int[trees.Count];
        for (var t = 0; t < trees.Count; t++)
        {
            var tree = trees[t];
            int nodeOffset = nodes.Count, leafOffset = leaves.Count;
            int Rebase(int c) => c >= 0 ? c + nodeOffset : ~(~c + leafOffset);
            roots[t] = Rebase(tree.Root);
            foreach (var nd in tree.Nodes) nodes.Add(nd with { Left = Rebase(nd.Left), Right = Rebase(nd.Right) });
            leaves.AddRange(tree.LeafValues);
        }
        return new TreeEnsemble(featureCount, baseScores, roots, [.. nodes], [.. leaves]);
    }
}

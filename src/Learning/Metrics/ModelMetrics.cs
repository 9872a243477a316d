namespace MlOps.Learning.Metrics;

/// <summary>Evaluation metrics for classification and regression.</summary>
public static class ModelMetrics
{
    /// <summary>
    /// Computes every metric that applies to the task, keyed by <see cref="MetricNames"/>, in name order.
    /// </summary>
    /// <param name="truth">The class index (classification) or the true value (regression), per row.</param>
    /// <param name="predictions">Row-major class probabilities (classCount per row) or one value per row.</param>
    public static IReadOnlyDictionary<string, double> Compute(TaskKind task, ReadOnlySpan<double> truth, ReadOnlySpan<double> predictions, int classCount)
    {
        var result = new SortedDictionary<string, double>(StringComparer.Ordinal);
        if (task == TaskKind.Regression)
        {
            result[MetricNames.Rmse] = Rmse(truth, predictions);
            result[MetricNames.Mae] = Mae(truth, predictions);
            result[MetricNames.R2] = R2(truth, predictions);
            return result;
        }
        var labels = new int[truth.Length];
        for (var i = 0; i < labels.Length; i++) labels[i] = (int)truth[i];
        result[MetricNames.Accuracy] = Accuracy(labels, predictions, classCount);
        result[MetricNames.MacroF1] = MacroF1(labels, predictions, classCount);
        result[MetricNames.LogLoss] = LogLoss(labels, predictions, classCount);
        result[MetricNames.Auc] = classCount == 2 ? Auc(labels, predictions, 2, 1) : MacroAuc(labels, predictions, classCount);
        return result;
    }

    public static int ArgMax(ReadOnlySpan<double> p)
    {
        var best = 0;
        for (var k = 1; k < p.Length; k++) if (p[k] > p[best]) best = k;
        return best;
    }

    public static double Accuracy(int[] labels, ReadOnlySpan<double> prob, int k)
    {
        if (labels.Length == 0) return double.NaN;
        var hits = 0;
        for (var i = 0; i < labels.Length; i++) if (ArgMax(prob.Slice(i * k, k)) == labels[i]) hits++;
        return (double)hits / labels.Length;
    }

    /// <summary>Unweighted mean of per-class F1 over classes that occur in the truth or the predictions.</summary>
    public static double MacroF1(int[] labels, ReadOnlySpan<double> prob, int k)
    {
        var tp = new double[k];
        var fp = new double[k];
        var fn = new double[k];
        for (var i = 0; i < labels.Length; i++)
        {
            var p = ArgMax(prob.Slice(i * k, k));
            if (p == labels[i]) tp[p]++;
            else { fp[p]++; fn[labels[i]]++; }
        }
        double sum = 0;
        var classes = 0;
        for (var c = 0; c < k; c++)
        {
            if (tp[c] + fp[c] + fn[c] == 0) continue;
            classes++;
            sum += 2 * tp[c] / (2 * tp[c] + fp[c] + fn[c]);
        }
        return classes == 0 ? double.NaN : sum / classes;
    }

    public static double LogLoss(int[] labels, ReadOnlySpan<double> prob, int k)
    {
        if (labels.Length == 0) return double.NaN;
        double sum = 0;
        for (var i = 0; i < labels.Length; i++) sum -= Math.Log(Math.Clamp(prob[i * k + labels[i]], 1e-15, 1));
        return sum / labels.Length;
    }

    /// <summary>Area under the ROC curve for one class against the rest (ties count half), via ranks.</summary>
    public static double Auc(int[] labels, ReadOnlySpan<double> prob, int k, int positive)
    {
        var n = labels.Length;
        var scores = new double[n];
        var index = new int[n];
        for (var i = 0; i < n; i++) { scores[i] = prob[i * k + positive]; index[i] = i; }
        Array.Sort(scores, index);
        double pos = 0, rankSum = 0;
        for (var i = 0; i < n;)
        {
            var j = i;
            while (j < n && scores[j] == scores[i]) j++;
            var avgRank = (i + j + 1) / 2.0;  // ranks i+1 .. j, averaged over ties
            for (var t = i; t < j; t++) if (labels[index[t]] == positive) { pos++; rankSum += avgRank; }
            i = j;
        }
        var neg = n - pos;
        if (pos == 0 || neg == 0) return double.NaN;
        return (rankSum - pos * (pos + 1) / 2) / (pos * neg);
    }

    /// <summary>Macro one-vs-rest AUC over the classes present in the truth.</summary>
    public static double MacroAuc(int[] labels, ReadOnlySpan<double> prob, int k)
    {
        double sum = 0;
        var classes = 0;
        for (var c = 0; c < k; c++)
        {
            var auc = Auc(labels, prob, k, c);
            if (double.IsNaN(auc)) continue;
            sum += auc;
            classes++;
        }
        return classes == 0 ? double.NaN : sum / classes;
    }

    public static double Rmse(ReadOnlySpan<double> y, ReadOnlySpan<double> p)
    {
        double sum = 0;
        for (var i = 0; i < y.Length; i++) sum += (y[i] - p[i]) * (y[i] - p[i]);
        return y.Length == 0 ? double.NaN : Math.Sqrt(sum / y.Length);
    }

    public static double Mae(ReadOnlySpan<double> y, ReadOnlySpan<double> p)
    {
        double sum = 0;
        for (var i = 0; i < y.Length; i++) sum += Math.Abs(y[i] - p[i]);
        return y.Length == 0 ? double.NaN : sum / y.Length;
    }

    public static double R2(ReadOnlySpan<double> y, ReadOnlySpan<double> p)
    {
        if (y.Length == 0) return double.NaN;
        double mean = 0;
        foreach (var v in y) mean += v;
        mean /= y.Length;
        double ssRes = 0, ssTot = 0;
        for (var i = 0; i < y.Length; i++)
        {
            ssRes += (y[i] - p[i]) * (y[i] - p[i]);
            ssTot += (y[i] - mean) * (y[i] - mean);
        }
        return ssTot == 0 ? (ssRes == 0 ? 1 : 0) : 1 - ssRes / ssTot;
    }
}

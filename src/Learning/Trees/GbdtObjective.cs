namespace MlOps.Learning.Trees;

/// <summary>Loss, gradients and starting scores per task. Scores are row-major, <c>K</c> per row.</summary>
internal sealed class GbdtObjective(TaskKind task, int classCount)
{
    public int K { get; } = task == TaskKind.Multiclass ? classCount : 1;

    public double[] InitialScores(double[] y)
    {
        var n = y.Length;
        switch (task)
        {
            case TaskKind.Regression:
                double sum = 0;
                foreach (var v in y) sum += v;
                return [n == 0 ? 0 : sum / n];
            case TaskKind.Binary:
                double pos = 0;
                foreach (var v in y) pos += v;
                var p = Math.Clamp(pos / Math.Max(1, n), 1e-6, 1 - 1e-6);
                return [Math.Log(p / (1 - p))];
            default:
                var counts = new double[K];
                foreach (var v in y) counts[(int)v]++;
                var scores = new double[K];
                for (var k = 0; k < K; k++) scores[k] = Math.Log(Math.Max(counts[k], 1) / Math.Max(1, n));
                return scores;
        }
    }

    /// <summary>Writes (g, h) into the quads (g, h, 1, 0) for rows [from, to) into gh[k] for each output k.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Gradients(double[] scores, double[] y, float[][] gh, int from, int to)
    {
        switch (task)
        {
            case TaskKind.Regression:
                for (var i = from; i < to; i++)
                {
                    gh[0][4 * i] = (float)(scores[i] - y[i]);
                    gh[0][4 * i + 1] = 1f;
                }
                break;
            case TaskKind.Binary:
                for (var i = from; i < to; i++)
                {
                    var p = 1 / (1 + Math.Exp(-scores[i]));
                    gh[0][4 * i] = (float)(p - y[i]);
                    gh[0][4 * i + 1] = (float)Math.Max(p * (1 - p), 1e-16);
                }
                break;
            default:
                Span<double> prob = stackalloc double[K];
                var factor = K / (K - 1.0);
                for (var i = from; i < to; i++)
                {
                    Softmax(scores.AsSpan(i * K, K), prob);
                    var label = (int)y[i];
                    for (var k = 0; k < K; k++)
                    {
                        var p = prob[k];
                        gh[k][4 * i] = (float)(p - (k == label ? 1 : 0));
                        gh[k][4 * i + 1] = (float)Math.Max(factor * p * (1 - p), 1e-16);
                    }
                }
                break;
        }
    }

    /// <summary>Mean loss, summed sequentially so it is identical for any thread count.</summary>
    public double Loss(double[] scores, double[] y)
    {
        double sum = 0;
        Span<double> prob = stackalloc double[K];
        for (var i = 0; i < y.Length; i++)
        {
            switch (task)
            {
                case TaskKind.Regression:
                    var d = scores[i] - y[i];
                    sum += d * d;
                    break;
                case TaskKind.Binary:
                    var p = Math.Clamp(1 / (1 + Math.Exp(-scores[i])), 1e-15, 1 - 1e-15);
                    sum -= y[i] > 0.5 ? Math.Log(p) : Math.Log(1 - p);
                    break;
                default:
                    Softmax(scores.AsSpan(i * K, K), prob);
                    sum -= Math.Log(Math.Max(prob[(int)y[i]], 1e-15));
                    break;
            }
        }
        return y.Length == 0 ? 0 : sum / y.Length;
    }

    public static void Softmax(ReadOnlySpan<double> scores, Span<double> prob)
    {
        var max = double.NegativeInfinity;
        foreach (var s in scores) max = Math.Max(max, s);
        double sum = 0;
        for (var k = 0; k < scores.Length; k++) sum += prob[k] = Math.Exp(scores[k] - max);
        for (var k = 0; k < scores.Length; k++) prob[k] /= sum;
    }
}

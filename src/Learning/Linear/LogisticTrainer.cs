using System.Numerics.Tensors;

namespace MlOps.Learning.Linear;

/// <summary>Hyperparameters of logistic regression.</summary>
public sealed record LogisticOptions
{
    /// <summary>Penalty (l2/2)·|w|² added to the summed log-loss (sklearn's 1/C); intercepts are not penalised.</summary>
    public double L2 { get; init; } = 1.0;
    public int MaxIterations { get; init; } = 100;
}

/// <summary>
/// Binary (one log-odds output) and multinomial (softmax) logistic regression by L-BFGS. Work over rows is
/// split into fixed chunks and partial sums are added in chunk order, so results do not depend on threads.
/// </summary>
public static class LogisticTrainer
{
    private const int Chunk = 1 << 14;

    /// <summary>Stop when no gradient component of the mean objective exceeds this (sklearn's default tol).</summary>
    public const double GradientTolerance = 1e-4;

    /// <param name="features">Column-major, already imputed and standardised.</param>
    /// <param name="y">0/1 (binary) or the class index.</param>
    public static LinearModel Train(double[][] features, double[] y, int classCount, LogisticOptions options, int maxDegreeOfParallelism)
    {
        if (options.L2 < 0) throw new ArgumentException("l2 must not be negative.");
        if (options.MaxIterations < 1) throw new ArgumentException("maxIterations must be at least 1.");
        var f = features.Length;
        var n = y.Length;
        var k = classCount == 2 ? 1 : classCount;
        var stride = f + 1;  // per output: f weights then the intercept
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism <= 0 ? Environment.ProcessorCount : maxDegreeOfParallelism };
        var chunks = (n + Chunk - 1) / Chunk;
        var partialLoss = new double[chunks];
        var partialGrad = new double[chunks * k * stride];
        var penalty = options.L2 / n;  // the mean-loss form of sklearn's objective: same minimiser

        double Objective(ReadOnlySpan<double> w, Span<double> grad)
        {
            var wa = w.ToArray();
            Parallel.For(0, chunks, parallel, c => ChunkLossAndGradient(features, y, wa, k, c, n, partialLoss, partialGrad.AsSpan(c * k * stride, k * stride)));
            grad.Clear();
            double loss = 0;
            for (var c = 0; c < chunks; c++)
            {
                loss += partialLoss[c];
                TensorPrimitives.Add(grad, partialGrad.AsSpan(c * k * stride, k * stride), grad);
            }
            loss /= n;
            TensorPrimitives.Multiply(grad, 1.0 / n, grad);
            for (var o = 0; o < k; o++)
            {
                var wo = w.Slice(o * stride, f);
                loss += 0.5 * penalty * TensorPrimitives.Dot(wo, wo);
                TensorPrimitives.MultiplyAdd(wo, penalty, grad.Slice(o * stride, f), grad.Slice(o * stride, f));
            }
            return loss;
        }

        var (x, _) = Lbfgs.Minimize(Objective, new double[k * stride], options.MaxIterations, tolerance: GradientTolerance);
        var weights = new double[k * f];
        var intercepts = new double[k];
        for (var o = 0; o < k; o++)
        {
            Array.Copy(x, o * stride, weights, o * f, f);
            intercepts[o] = x[o * stride + f];
        }
        return new LinearModel(f, weights, intercepts);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void ChunkLossAndGradient(double[][] features, double[] y, double[] w, int k, int chunk, int n, double[] partialLoss, Span<double> grad)
    {
        var from = chunk * Chunk;
        var len = Math.Min(n, from + Chunk) - from;
        var f = features.Length;
        var stride = f + 1;
        // Pooled: a chunk's scores are large-object-heap sized, and this runs once per chunk per evaluation.
        var z = System.Buffers.ArrayPool<double>.Shared.Rent(k * len);
        for (var o = 0; o < k; o++)
        {
            var zo = z.AsSpan(o * len, len);
            zo.Fill(w[o * stride + f]);
            for (var j = 0; j < f; j++) TensorPrimitives.MultiplyAdd(features[j].AsSpan(from, len), w[o * stride + j], zo, zo);
        }
        double loss = 0;
        if (k == 1)
        {
            for (var i = 0; i < len; i++)
            {
                var zi = z[i];
                var yi = y[from + i];
                // log(1 + e^z) - y z and the sigmoid from one exponential, without overflow.
                var e = Math.Exp(-Math.Abs(zi));
                loss += Math.Max(zi, 0) + Math.Log(1 + e) - yi * zi;
                z[i] = (zi >= 0 ? 1 / (1 + e) : e / (1 + e)) - yi;  // residual
            }
        }
        else
        {
            for (var i = 0; i < len; i++)
            {
                var max = double.NegativeInfinity;
                for (var o = 0; o < k; o++) max = Math.Max(max, z[o * len + i]);
                double sum = 0;
                for (var o = 0; o < k; o++) sum += Math.Exp(z[o * len + i] - max);
                var label = (int)y[from + i];
                loss += max + Math.Log(sum) - z[label * len + i];
                for (var o = 0; o < k; o++) z[o * len + i] = Math.Exp(z[o * len + i] - max) / sum - (o == label ? 1 : 0);
            }
        }
        partialLoss[chunk] = loss;
        for (var o = 0; o < k; o++)
        {
            var r = z.AsSpan(o * len, len);
            for (var j = 0; j < f; j++) grad[o * stride + j] = TensorPrimitives.Dot(features[j].AsSpan(from, len), r);
            grad[o * stride + f] = TensorPrimitives.Sum<double>(r);
        }
        System.Buffers.ArrayPool<double>.Shared.Return(z);
    }
}

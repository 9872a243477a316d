using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace MlOps.Learning.Linear;

/// <summary>Hyperparameters of ridge regression.</summary>
public sealed record RidgeOptions
{
    /// <summary>Penalty l2·|w|² added to the summed squared error (sklearn's alpha); the intercept is not penalised.</summary>
    public double L2 { get; init; } = 1.0;
}

/// <summary>Ridge regression in closed form: (XᵀX + l2·I) w = Xᵀy on an intercept-augmented design.</summary>
public static class RidgeTrainer
{
    public static LinearModel Train(double[][] features, double[] y, RidgeOptions options)
    {
        if (options.L2 < 0) throw new ArgumentException("l2 must not be negative.");
        var f = features.Length;
        var n = y.Length;
        var a = Matrix<double>.Build.Dense(f + 1, f + 1);
        var b = Vector<double>.Build.Dense(f + 1);
        for (var i = 0; i < f; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                var v = TensorPrimitives.Dot<double>(features[i], features[j]);
                a[i, j] = v;
                a[j, i] = v;
            }
            var s = TensorPrimitives.Sum<double>(features[i]);
            a[i, f] = s;
            a[f, i] = s;
            a[i, i] += options.L2;
            b[i] = TensorPrimitives.Dot<double>(features[i], y);
        }
        a[f, f] = n;
        b[f] = TensorPrimitives.Sum<double>(y);
        // A tiny jitter keeps the system solvable when features are collinear and l2 is zero.
        for (var i = 0; i < f; i++) a[i, i] += 1e-10 * Math.Max(1, n);
        var w = a.Cholesky().Solve(b);
        var weights = new double[f];
        for (var i = 0; i < f; i++) weights[i] = w[i];
        return new LinearModel(f, weights, [w[f]]);
    }
}

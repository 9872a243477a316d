using System.Numerics.Tensors;

namespace MlOps.Learning.Linear;

/// <summary>
/// Limited-memory BFGS with a backtracking (Armijo) line search. Plain sequential arithmetic on the
/// parameter vector, so the path is the same for any thread count as long as the objective is.
/// </summary>
internal static class Lbfgs
{
    /// <summary>Evaluates the objective at x, writes its gradient, returns its value.</summary>
    public delegate double Objective(ReadOnlySpan<double> x, Span<double> gradient);

    public static (double[] X, int Iterations) Minimize(Objective objective, double[] x0, int maxIterations, int memory = 10, double tolerance = 1e-6)
    {
        var n = x0.Length;
        var x = (double[])x0.Clone();
        var g = new double[n];
        var f = objective(x, g);
        var s = new List<double[]>();
        var y = new List<double[]>();
        var rho = new List<double>();
        var d = new double[n];
        var xNew = new double[n];
        var gNew = new double[n];
        var alpha = new double[memory];
        var iter = 0;
        var fPrevious = f;
        for (; iter < maxIterations; iter++)
        {
            if (Math.Abs(TensorPrimitives.MaxMagnitude<double>(g)) < tolerance) break;
            // Two-loop recursion: d = -H g.
            g.CopyTo(d, 0);
            for (var i = s.Count - 1; i >= 0; i--)
            {
                alpha[i] = rho[i] * TensorPrimitives.Dot<double>(s[i], d);
                TensorPrimitives.MultiplyAdd(y[i], -alpha[i], d, d);
            }
            var gamma = s.Count > 0 ? TensorPrimitives.Dot<double>(s[^1], y[^1]) / TensorPrimitives.Dot<double>(y[^1], y[^1]) : 1 / Math.Max(1e-12, TensorPrimitives.Norm<double>(g));
            TensorPrimitives.Multiply(d, gamma, d);
            for (var i = 0; i < s.Count; i++)
            {
                var beta = rho[i] * TensorPrimitives.Dot<double>(y[i], d);
                TensorPrimitives.MultiplyAdd(s[i], alpha[i] - beta, d, d);
            }
            TensorPrimitives.Negate(d, d);
            var slope = TensorPrimitives.Dot<double>(g, d);
            if (slope >= 0)
            {
                // Not a descent direction (curvature information went stale): restart from steepest descent.
                s.Clear(); y.Clear(); rho.Clear();
                TensorPrimitives.Negate(g, d);
                TensorPrimitives.Multiply(d, 1 / Math.Max(1e-12, TensorPrimitives.Norm<double>(g)), d);
                slope = TensorPrimitives.Dot<double>(g, d);
            }
            var step = 1.0;
            double fNew;
            var accepted = false;
            for (var ls = 0; ls < 40; ls++)
            {
                TensorPrimitives.MultiplyAdd(d, step, x, xNew);
                fNew = objective(xNew, gNew);
                if (fNew <= f + 1e-4 * step * slope) { accepted = true; fPrevious = f; f = fNew; break; }
                step *= 0.5;
            }
            if (!accepted) break;
            var sk = new double[n];
            var yk = new double[n];
            TensorPrimitives.Subtract(xNew, x, sk);
            TensorPrimitives.Subtract(gNew, g, yk);
            var sy = TensorPrimitives.Dot<double>(sk, yk);
            xNew.CopyTo(x, 0);
            gNew.CopyTo(g, 0);
            if (sy > 1e-12)
            {
                if (s.Count == memory) { s.RemoveAt(0); y.RemoveAt(0); rho.RemoveAt(0); }
                s.Add(sk); y.Add(yk); rho.Add(1 / sy);
            }
            if (Math.Abs(f - fPrevious) <= 1e-12 * Math.Max(1, Math.Abs(f))) { iter++; break; }
        }
        return (x, iter);
    }
}

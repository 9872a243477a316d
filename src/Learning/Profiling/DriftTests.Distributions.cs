namespace MlOps.Learning.Profiling;

/// <summary>The distributions behind the p-values: Kolmogorov, chi-squared (and through it the normal), gamma.</summary>
public static partial class DriftTests
{
    /// <summary>P(K &gt; λ) of the Kolmogorov distribution: 2 Σ (−1)^(k−1) e^(−2k²λ²).</summary>
    public static double KolmogorovSurvival(double lambda)
    {
        if (lambda < 0.2) return 1;
        double sum = 0, sign = 1;
        for (var k = 1; k <= 100; k++)
        {
            var term = sign * Math.Exp(-2.0 * k * k * lambda * lambda);
            sum += term;
            if (Math.Abs(term) < 1e-16 * Math.Abs(sum)) break;
            sign = -sign;
        }
        return 2 * sum;
    }

    /// <summary>P(X &gt; x) for X ~ χ²(df).</summary>
    public static double ChiSquaredSurvival(double x, double df) => x <= 0 ? 1 : UpperGamma(df / 2, x / 2);

    /// <summary>Regularised upper incomplete gamma Q(a, x): a series below a + 1, Lentz's continued fraction above.</summary>
    public static double UpperGamma(double a, double x)
    {
        if (x <= 0) return 1;
        if (double.IsPositiveInfinity(x)) return 0;
        var logPrefix = a * Math.Log(x) - x - LogGamma(a);
        if (x < a + 1)
        {
            double term = 1 / a, sum = term;
            for (var k = 1; k < 10_000; k++)
            {
                term *= x / (a + k);
                sum += term;
                if (Math.Abs(term) < Math.Abs(sum) * 1e-17) break;
            }
            return Math.Max(0, 1 - sum * Math.Exp(logPrefix));
        }
        const double Tiny = 1e-300;
        double b = x + 1 - a, c = 1 / Tiny, d = 1 / b, h = d;
        for (var k = 1; k < 10_000; k++)
        {
            var an = -k * (k - a);
            b += 2;
            d = an * d + b;
            if (Math.Abs(d) < Tiny) d = Tiny;
            c = b + an / c;
            if (Math.Abs(c) < Tiny) c = Tiny;
            d = 1 / d;
            var delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-17) break;
        }
        return Math.Exp(logPrefix) * h;
    }

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos, g = 7, 9 terms; ~1e-15 relative).</summary>
    public static double LogGamma(double x)
    {
        ReadOnlySpan<double> coef =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        if (x < 0.5) return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        x -= 1;
        var sum = coef[0];
        for (var i = 1; i < coef.Length; i++) sum += coef[i] / (x + i);
        var t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }
}

using System.Numerics.Tensors;

namespace MlOps.Learning.Linear;

/// <summary>raw[k] = Intercepts[k] + Weights[k, :] · features. Weights are row-major, one row per output.</summary>
public sealed class LinearModel : IEstimator
{
    private readonly double[] _weights;
    private readonly double[] _intercepts;

    public LinearModel(int featureCount, double[] weights, double[] intercepts)
    {
        if (weights.Length != featureCount * intercepts.Length)
            throw new InvalidDataException($"A linear model with {intercepts.Length} outputs over {featureCount} features needs {featureCount * intercepts.Length} weights, not {weights.Length}.");
        FeatureCount = featureCount;
        _weights = weights;
        _intercepts = intercepts;
    }

    public int FeatureCount { get; }
    public int OutputCount => _intercepts.Length;
    public ReadOnlySpan<double> Weights => _weights;
    public ReadOnlySpan<double> Intercepts => _intercepts;

    public void PredictRaw(ReadOnlySpan<double> features, Span<double> raw)
    {
        var f = FeatureCount;
        for (var k = 0; k < _intercepts.Length; k++)
            raw[k] = _intercepts[k] + TensorPrimitives.Dot(new ReadOnlySpan<double>(_weights, k * f, f), features[..f]);
    }
}

namespace MlOps.Learning;

/// <summary>A fitted estimator: maps a feature vector to raw scores (before the link function).</summary>
public interface IEstimator
{
    int FeatureCount { get; }

    /// <summary>Raw outputs: 1 for regression and binary (log-odds), one per class for multiclass.</summary>
    int OutputCount { get; }

    /// <summary>Writes <see cref="OutputCount"/> raw scores. Thread-safe and allocation-free.</summary>
    void PredictRaw(ReadOnlySpan<double> features, Span<double> raw);
}

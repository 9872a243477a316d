namespace MlOps.Learning.Trees;

/// <summary>Hyperparameters of the gradient-boosted trees trainer (defaults documented in README.md).</summary>
public sealed record GbdtOptions
{
    public int Trees { get; init; } = 100;
    public double LearningRate { get; init; } = 0.1;
    public int Leaves { get; init; } = 31;
    public int MaxBins { get; init; } = 255;
    public int MinSamplesLeaf { get; init; } = 20;
    public double L2 { get; init; } = 1.0;
    public double FeatureFraction { get; init; } = 1.0;
    public double RowFraction { get; init; } = 1.0;
    /// <summary>0 turns early stopping off; otherwise stop after this many rounds without validation improvement.</summary>
    public int EarlyStoppingRounds { get; init; }
    /// <summary>Share of the training rows held out for early stopping (only when it is on).</summary>
    public double ValidationFraction { get; init; } = 0.1;
    /// <summary>0 = unlimited; leaf-wise growth is bounded by <see cref="Leaves"/> anyway.</summary>
    public int MaxDepth { get; init; }

    public void Validate()
    {
        static void Check(bool ok, string message) { if (!ok) throw new ArgumentException(message); }
        Check(Trees >= 1, "trees must be at least 1.");
        Check(LearningRate > 0 && LearningRate <= 1, "learningRate must be in (0, 1].");
        Check(Leaves >= 2, "leaves must be at least 2.");
        Check(MaxBins is >= 2 and <= 255, "maxBins must be between 2 and 255.");
        Check(MinSamplesLeaf >= 1, "minSamplesLeaf must be at least 1.");
        Check(L2 >= 0, "l2 must not be negative.");
        Check(FeatureFraction > 0 && FeatureFraction <= 1, "featureFraction must be in (0, 1].");
        Check(RowFraction > 0 && RowFraction <= 1, "rowFraction must be in (0, 1].");
        Check(EarlyStoppingRounds >= 0, "earlyStoppingRounds must not be negative.");
        Check(ValidationFraction > 0 && ValidationFraction < 1, "validationFraction must be in (0, 1).");
        Check(MaxDepth >= 0, "maxDepth must not be negative.");
    }
}

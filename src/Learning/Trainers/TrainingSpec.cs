namespace MlOps.Learning.Trainers;

/// <summary>What to train: target, task, trainer and its hyperparameters, seed.</summary>
public sealed record TrainingSpec
{
    public required string Target { get; init; }
    public required TaskKind Task { get; init; }

    /// <summary><c>gbdt</c> (default), <c>logistic</c>, <c>linear</c>, or an ML.NET trainer: <c>lightgbm</c>, <c>lbfgs</c> (see <see cref="TrainerRegistry"/>).</summary>
    public string Trainer { get; init; } = TrainerNames.Gbdt;

    /// <summary>Hyperparameters by name (see src/Learning/README.md); missing ones take their defaults.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>Columns that are not features (ids, dates used only for splitting, leaks).</summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];

    public int Seed { get; init; } = 42;

    /// <summary>Threads to use; 0 means all cores. The artifact is byte-identical for any value.</summary>
    public int MaxDegreeOfParallelism { get; init; }

    /// <summary>Told after each boosting round (trainers that work in rounds); null for no reports.</summary>
    public IProgress<TrainingProgress>? Progress { get; init; }
}

public static class TrainerNames
{
    public const string Gbdt = "gbdt";
    public const string Logistic = "logistic";
    public const string Linear = "linear";

    /// <summary>ML.NET's LightGBM (binary, multiclass, regression); in MlOps.Learning.MLNet.</summary>
    public const string LightGbm = "lightgbm";

    /// <summary>ML.NET's L-BFGS logistic regression / maximum entropy (binary, multiclass); in MlOps.Learning.MLNet.</summary>
    public const string Lbfgs = "lbfgs";
}

/// <summary>A training input the engine cannot use; the message names the problem.</summary>
public sealed class TrainingDataException(string message) : Exception(message);

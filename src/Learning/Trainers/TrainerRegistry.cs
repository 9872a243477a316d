using System.Collections.Concurrent;
using MlOps.Learning.Transforms;

namespace MlOps.Learning.Trainers;

/// <summary>What a trainer family gets to fit an estimator: encoded features and encoded targets.</summary>
/// <param name="Features">Column-major feature values after the fitted transforms (read-only: may share the frame's arrays).</param>
/// <param name="Y">Class index (classification) or value (regression) per row; no missing values.</param>
/// <param name="Parameters">The hyperparameters as given (the family validated them in <see cref="ITrainerFamily.Resolve"/>).</param>
public sealed record TrainingInput(
    string Trainer,
    TaskKind Task,
    double[][] Features,
    IReadOnlyList<string> FeatureNames,
    double[] Y,
    int ClassCount,
    IReadOnlyDictionary<string, string> Parameters,
    int Seed,
    int MaxDegreeOfParallelism,
    IProgress<TrainingProgress>? Progress = null);

/// <summary>
/// A family of trainers (the own engine, ML.NET, …). Every family gets the same data checks, transforms,
/// splits, metrics and artifact from <see cref="Trainer"/>; it only fits the estimator on encoded features.
/// </summary>
public interface ITrainerFamily
{
    /// <summary>A short name for messages and documentation (e.g. "own", "ML.NET").</summary>
    string Family { get; }

    /// <summary>The trainer names this family answers to (lower case).</summary>
    IReadOnlyList<string> Trainers { get; }

    /// <summary>Hyperparameter names the trainer accepts.</summary>
    IReadOnlyList<string> HyperparameterNames(string trainer);

    /// <summary>Task kinds the trainer supports.</summary>
    IReadOnlyList<TaskKind> Tasks(string trainer);

    /// <summary>How features are encoded for this trainer (trees: ordinal, missing kept; linear: one-hot, imputed, standardised).</summary>
    FeatureStyle Style(string trainer);

    /// <summary>Validates the hyperparameters and returns every one with its effective value (defaults included).</summary>
    /// <exception cref="TrainingDataException">An unknown name or a bad value.</exception>
    IReadOnlyDictionary<string, string> Resolve(string trainer, IReadOnlyDictionary<string, string> parameters);

    /// <summary>Fits the estimator; returns it with one importance value per feature.</summary>
    (IEstimator Estimator, double[] Importance) Fit(TrainingInput input);

    /// <summary>
    /// Reads an estimator this family stored as an external section (<see cref="IExternalEstimator.Format"/>),
    /// or returns null when the format is not this family's.
    /// </summary>
    IEstimator? ReadEstimator(string format, byte[] payload, int featureCount, TaskKind task, int outputCount);
}

/// <summary>
/// An estimator whose parameters are an opaque, deterministic byte payload of another library (an ML.NET model).
/// The artifact stores <see cref="Format"/> and <see cref="Payload"/>; the registered family reads them back.
/// </summary>
public interface IExternalEstimator : IEstimator
{
    string Format { get; }
    ReadOnlyMemory<byte> Payload { get; }
}

/// <summary>An estimator that predicts many rows faster at once than row by row (TrainedModel uses it for frames).</summary>
public interface IBatchEstimator : IEstimator
{
    /// <param name="features">Column-major encoded features, each of length <paramref name="rows"/>.</param>
    /// <param name="raw">Row-major raw scores, <see cref="IEstimator.OutputCount"/> per row.</param>
    void PredictRawBatch(double[][] features, int rows, Span<double> raw);
}

/// <summary>
/// Finds trainers by name across families: the own engine (gbdt, logistic, linear) is always there; ML.NET
/// (lightgbm, lbfgs) lives in MlOps.Learning.MLNet and is found automatically when that assembly is deployed
/// with the application (a project reference is enough), or registered explicitly with <see cref="Register"/>.
/// </summary>
public static class TrainerRegistry
{
    /// <summary>Families that live in other assemblies and are loaded by name when present.</summary>
    private static readonly string[] KnownFamilies = ["MlOps.Learning.MLNet.MlNetTrainerFamily, MlOps.Learning.MLNet"];

    private static readonly ConcurrentDictionary<string, ITrainerFamily> ByTrainer = new(StringComparer.Ordinal);
    private static readonly List<ITrainerFamily> Families = [];
    private static readonly Lock Gate = new();
    private static bool _probed;

    static TrainerRegistry() => Register(OwnTrainerFamily.Instance);

    /// <summary>Adds a family (idempotent per family type).</summary>
    public static void Register(ITrainerFamily family)
    {
        lock (Gate)
        {
            if (Families.Any(f => f.GetType() == family.GetType())) return;
            foreach (var t in family.Trainers)
                if (ByTrainer.TryGetValue(t, out var other) && other.GetType() != family.GetType())
                    throw new InvalidOperationException($"Trainer '{t}' is already provided by the {other.Family} family.");
            Families.Add(family);
            foreach (var t in family.Trainers) ByTrainer[t] = family;
        }
    }

    /// <summary>
    /// The trainer to use when a definition names none: the own <c>gbdt</c> for every task. It tied with ML.NET's
    /// LightGBM on accuracy and training time in bench/ (src/Learning/README.md, "Default trainer"), predicts a row
    /// in under half the time without allocating, exports to ONNX with double thresholds, and needs no native library.
    /// </summary>
    public static string DefaultFor(TaskKind task) => TrainerNames.Gbdt;

    /// <summary>Every trainer name of every available family.</summary>
    public static IReadOnlyList<string> Names
    {
        get
        {
            Probe();
            lock (Gate) return [.. Families.SelectMany(f => f.Trainers)];
        }
    }

    public static bool TryFind(string trainer, out ITrainerFamily family)
    {
        if (ByTrainer.TryGetValue(trainer, out family!)) return true;
        Probe();
        return ByTrainer.TryGetValue(trainer, out family!);
    }

    /// <exception cref="TrainingDataException">No family has a trainer of that name.</exception>
    public static ITrainerFamily Find(string trainer)
    {
        if (TryFind(trainer, out var family)) return family;
        var hint = trainer is "lightgbm" or "lbfgs"
            ? " The ML.NET trainers need the MlOps.Learning.MLNet assembly next to the application (reference src/Learning.MLNet)."
            : "";
        throw new TrainingDataException($"Unknown trainer '{trainer}'. Use {string.Join(", ", Names)}.{hint}");
    }

    /// <summary>Reads an external estimator through the family that knows its format.</summary>
    internal static IEstimator ReadEstimator(string format, byte[] payload, int featureCount, TaskKind task, int outputCount)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            ITrainerFamily[] families;
            lock (Gate) families = [.. Families];
            foreach (var f in families)
                if (f.ReadEstimator(format, payload, featureCount, task, outputCount) is { } e) return e;
            Probe();
        }
        throw new Artifacts.ModelFormatException(
            $"The model's estimator is stored in the '{format}' format, which no available trainer family reads (for ML.NET models, deploy MlOps.Learning.MLNet with the application).");
    }

    private static void Probe()
    {
        lock (Gate)
        {
            if (_probed) return;
            _probed = true;
        }
        foreach (var name in KnownFamilies)
        {
            Type? type;
            try { type = Type.GetType(name, throwOnError: false); }
            catch (Exception e) when (e is IOException or BadImageFormatException or TypeLoadException) { type = null; }
            if (type is not null && Activator.CreateInstance(type) is ITrainerFamily family) Register(family);
        }
    }
}

using System.Buffers;
using MlOps.Learning.Data;
using MlOps.Learning.Profiling;
using MlOps.Learning.Transforms;
using MlOps.Learning.Trees;

namespace MlOps.Learning;

/// <summary>Descriptive facts about a model, stored in its artifact.</summary>
public sealed record ModelInfo(
    TaskKind Task,
    string Trainer,
    string Target,
    IReadOnlyList<string> Classes,
    IReadOnlyDictionary<string, string> Hyperparameters,
    int Seed,
    long TrainingRows);

/// <summary>Gain-based (trees) or weight-based (linear) importance of one model feature.</summary>
public readonly record struct FeatureImportance(string Feature, double Importance);

/// <summary>
/// A fitted model: transforms, estimator and what is known about it. Immutable, so prediction is
/// thread-safe; single-row prediction through <see cref="Predict(ReadOnlySpan{double}, Span{double})"/>
/// allocates nothing.
/// </summary>
public sealed class TrainedModel
{
    private const int StackFeatures = 512;

    public TrainedModel(ModelInfo info, FeatureTransforms transforms, IEstimator estimator,
        IReadOnlyDictionary<string, double> metrics, IReadOnlyList<FeatureImportance> importance, ReferenceProfile profile)
    {
        if (estimator.FeatureCount != transforms.FeatureCount)
            throw new InvalidDataException($"The estimator expects {estimator.FeatureCount} features but the transforms produce {transforms.FeatureCount}.");
        var expectedOutputs = info.Task == TaskKind.Multiclass ? info.Classes.Count : 1;
        if (estimator.OutputCount != expectedOutputs)
            throw new InvalidDataException($"The estimator has {estimator.OutputCount} outputs; a {info.Task} model needs {expectedOutputs}.");
        Info = info;
        Transforms = transforms;
        Estimator = estimator;
        Metrics = new SortedDictionary<string, double>(metrics.ToDictionary(), StringComparer.Ordinal);
        FeatureImportance = importance;
        Profile = profile;
    }

    public ModelInfo Info { get; }
    public FeatureTransforms Transforms { get; }
    public IEstimator Estimator { get; }
    public IReadOnlyDictionary<string, double> Metrics { get; }
    public IReadOnlyList<FeatureImportance> FeatureImportance { get; }
    public ReferenceProfile Profile { get; }

    public TaskKind Task => Info.Task;
    public IReadOnlyList<ColumnSchema> InputSchema => Transforms.Inputs.Select(i => i.Column).ToArray();

    /// <summary>Class probabilities (one per class) for classification, the predicted value for regression.</summary>
    public int OutputCount => Task == TaskKind.Regression ? 1 : Info.Classes.Count;

    public TrainedModel WithMetrics(IReadOnlyDictionary<string, double> metrics) =>
        new(Info, Transforms, Estimator, metrics, FeatureImportance, Profile);

    /// <summary>
    /// Predicts one row given in input-schema order (see <see cref="FeatureTransforms"/> for the encoding;
    /// <see cref="FeatureTransforms.CategoryIndex"/> maps category text). Writes <see cref="OutputCount"/> values.
    /// </summary>
    public void Predict(ReadOnlySpan<double> inputRow, Span<double> output)
    {
        var f = Transforms.FeatureCount;
        double[]? rented = null;
        var features = f <= StackFeatures ? stackalloc double[f] : (rented = ArrayPool<double>.Shared.Rent(f)).AsSpan(0, f);
        try
        {
            Transforms.EncodeRow(inputRow, features);
            PredictFeatures(features, output);
        }
        finally
        {
            if (rented is not null) ArrayPool<double>.Shared.Return(rented);
        }
    }

    /// <summary>Predicts from an already encoded feature vector (skips the transforms).</summary>
    public void PredictFeatures(ReadOnlySpan<double> features, Span<double> output)
    {
        if (output.Length < OutputCount) throw new ArgumentException($"The output needs room for {OutputCount} values.", nameof(output));
        Span<double> raw = stackalloc double[Estimator.OutputCount];
        Estimator.PredictRaw(features, raw);
        ApplyLink(raw, output);
    }

    /// <summary>Raw scores to outputs: identity (regression), sigmoid of the log-odds (binary), softmax (multiclass).</summary>
    private void ApplyLink(ReadOnlySpan<double> raw, Span<double> output)
    {
        switch (Task)
        {
            case TaskKind.Regression:
                output[0] = raw[0];
                break;
            case TaskKind.Binary:
                var p = 1 / (1 + Math.Exp(-raw[0]));
                output[0] = 1 - p;
                output[1] = p;
                break;
            default:
                GbdtObjective.Softmax(raw, output[..raw.Length]);
                break;
        }
    }

    /// <summary>Predicts every row of a frame whose columns are matched to the input schema by name.</summary>
    public Predictions Predict(TabularFrame frame, int maxDegreeOfParallelism = 0)
    {
        var n = frame.RowCount;
        var k = OutputCount;
        var values = new double[n * k];
        if (Estimator is Trainers.IBatchEstimator batch)
        {
            // Libraries with their own batch path (ML.NET) score all rows in one call.
            var features = Transforms.EncodeColumnsReadOnly(frame, maxDegreeOfParallelism);
            var raw = new double[n * Estimator.OutputCount];
            batch.PredictRawBatch(features, n, raw);
            var width = Estimator.OutputCount;
            for (var r = 0; r < n; r++) ApplyLink(raw.AsSpan(r * width, width), values.AsSpan(r * k, k));
            return new Predictions(Task, [.. Info.Classes], values);
        }
        // Numeric inputs are the frame's own arrays: scoring only reads them.
        var inputs = new double[Transforms.InputCount][];
        for (var i = 0; i < inputs.Length; i++) inputs[i] = Transforms.InputValuesReadOnly(frame, i);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism <= 0 ? Environment.ProcessorCount : maxDegreeOfParallelism };
        const int chunk = 4096;
        Parallel.For(0, (n + chunk - 1) / chunk, parallel, c =>
        {
            Span<double> row = stackalloc double[inputs.Length];
            for (var r = c * chunk; r < Math.Min(n, (c + 1) * chunk); r++)
            {
                for (var i = 0; i < inputs.Length; i++) row[i] = inputs[i][r];
                Predict(row, values.AsSpan(r * k, k));
            }
        });
        return new Predictions(Task, [.. Info.Classes], values);
    }
}

/// <summary>Batch predictions: row-major probabilities per class, or one value per row for regression.</summary>
public sealed record Predictions(TaskKind Task, string[] Classes, double[] Values)
{
    public int Width => Task == TaskKind.Regression ? 1 : Classes.Length;
    public int Count => Values.Length / Width;
    public ReadOnlySpan<double> Row(int row) => Values.AsSpan(row * Width, Width);

    /// <summary>The most probable class (classification) or the value as text (regression).</summary>
    public string Label(int row) => Task == TaskKind.Regression
        ? Values[row].ToString("R", System.Globalization.CultureInfo.InvariantCulture)
        : Classes[Metrics.ModelMetrics.ArgMax(Row(row))];
}

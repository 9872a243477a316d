using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.LightGbm;
using MlOps.Learning.Trainers;
using MlOps.Learning.Transforms;
using MlEstimator = Microsoft.ML.IEstimator<Microsoft.ML.ITransformer>;

namespace MlOps.Learning.MLNet;

/// <summary>
/// ML.NET trainers as a trainer family beside the own engine: <c>lightgbm</c> (binary, multiclass, regression) and
/// <c>lbfgs</c> (logistic regression / maximum entropy; binary, multiclass). Hyperparameters keep the own engine's
/// names where they mean the same (src/Learning/README.md). Found by <see cref="TrainerRegistry"/> automatically
/// when this assembly is deployed; <see cref="Register"/> does it explicitly.
/// </summary>
public sealed class MlNetTrainerFamily : ITrainerFamily
{
    public const string Format = "mlnet-zip";

    /// <summary>Below this many training rows, thread count 0 ("all cores") trains LightGBM on one thread.</summary>
    public const int SmallData = 20_000;

    private static readonly string[] LightGbmNames = ["trees", "learningRate", "leaves", "maxBins", "minSamplesLeaf", "l2", "l1", "featureFraction", "rowFraction", "maxDepth", "minSplitGain"];
    private static readonly string[] LbfgsNames = ["l2", "l1", "maxIterations", "tolerance", "history"];

    /// <summary>Makes the family available to <see cref="TrainerRegistry"/> (idempotent).</summary>
    public static void Register() => TrainerRegistry.Register(new MlNetTrainerFamily());

    public string Family => "ML.NET";
    public IReadOnlyList<string> Trainers { get; } = [TrainerNames.LightGbm, TrainerNames.Lbfgs];

    public IReadOnlyList<string> HyperparameterNames(string trainer) => trainer switch
    {
        TrainerNames.LightGbm => LightGbmNames,
        TrainerNames.Lbfgs => LbfgsNames,
        _ => throw new TrainingDataException($"Unknown ML.NET trainer '{trainer}'."),
    };

    public IReadOnlyList<TaskKind> Tasks(string trainer) => trainer == TrainerNames.LightGbm
        ? [TaskKind.Binary, TaskKind.Multiclass, TaskKind.Regression]
        : [TaskKind.Binary, TaskKind.Multiclass];

    public FeatureStyle Style(string trainer) => trainer == TrainerNames.LightGbm ? FeatureStyle.Trees : FeatureStyle.Linear;

    public IReadOnlyDictionary<string, string> Resolve(string trainer, IReadOnlyDictionary<string, string> parameters)
    {
        var p = new Params(trainer, parameters, HyperparameterNames(trainer));
        var values = new SortedDictionary<string, object>(StringComparer.Ordinal);
        if (trainer == TrainerNames.LightGbm)
        {
            var o = LightGbmOptions.From(p);
            values["trees"] = o.Trees; values["learningRate"] = o.LearningRate; values["leaves"] = o.Leaves; values["maxBins"] = o.MaxBins;
            values["minSamplesLeaf"] = o.MinSamplesLeaf; values["l2"] = o.L2; values["l1"] = o.L1; values["featureFraction"] = o.FeatureFraction;
            values["rowFraction"] = o.RowFraction; values["maxDepth"] = o.MaxDepth; values["minSplitGain"] = o.MinSplitGain;
        }
        else
        {
            var o = LbfgsOptions.From(p);
            values["l2"] = o.L2; values["l1"] = o.L1; values["maxIterations"] = o.MaxIterations; values["tolerance"] = o.Tolerance; values["history"] = o.History;
        }
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in values) result[k] = Convert.ToString(v, CultureInfo.InvariantCulture)!;
        return result;
    }

    public (IEstimator Estimator, double[] Importance) Fit(TrainingInput input)
    {
        var p = new Params(input.Trainer, input.Parameters, HyperparameterNames(input.Trainer));
        // "All cores" on small data is one thread: LightGBM's per-round synchronisation costs more than it saves there.
        // The model does not depend on the thread count (the artifact tests check it).
        var threads = input.MaxDegreeOfParallelism > 0 ? input.MaxDegreeOfParallelism
            : input.Y.Length < SmallData ? 1 : Environment.ProcessorCount;
        var ml = MlNetEstimator.CreateContext(input.Seed);
        MlEstimator trainer;
        if (input.Trainer == TrainerNames.LightGbm)
        {
            NativeDependencies.EnsureLightGbm();
            ml.Log += CollectBeforeBoosting;
            trainer = LightGbmOptions.From(p).Trainer(ml, input.Task, input.Seed, threads);
        }
        else
        {
            trainer = LbfgsOptions.From(p).Trainer(ml, input.Task);
        }
        var rows = input.Y.Length;
        var view = new FeatureMatrixView(input.Features, rows, input.Y, input.Task, input.ClassCount);
        ITransformer transformer;
        try { transformer = trainer.Fit(view); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException
                                   || (e is TypeInitializationException && e.InnerException is DllNotFoundException))
        {
            throw new TrainingDataException($"{NativeDependencies.MissingMessage} ({e.GetBaseException().Message})");
        }
        var estimator = MlNetEstimator.FromTransformer(ml, transformer, input.Features.Length, input.Task, input.Task == TaskKind.Multiclass ? input.ClassCount : 1);
        return (estimator, Importance.Of(transformer, input.Features.Length));
    }

    /// <summary>
    /// LightGBM reads the data in passes: the labels, a sample of up to 65,536 rows that its bins are fitted on (ML.NET keeps
    /// it in per-feature arrays on the large object heap, about 20 MB for 28 features), then every row into its own binned
    /// copy. Once that copy exists the sample is garbage, but nothing collects the large object heap before LightGBM
    /// allocates its training buffers (per class: gradients, hessians, scores), so the two used to add up (multiclass peak
    /// 197 MB against 174 MB with this collection; bench/README.md). The collection runs when ML.NET starts its training
    /// channel, right after loading; it changes no result.
    /// </summary>
    private static void CollectBeforeBoosting(object? sender, LoggingEventArgs e)
    {
        if (e.Kind == ChannelMessageKind.Trace && e.RawMessage == "Channel started"
            && e.Source.EndsWith("Training with LightGBM", StringComparison.Ordinal))
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    public IEstimator? ReadEstimator(string format, byte[] payload, int featureCount, TaskKind task, int outputCount) =>
        format == Format ? MlNetEstimator.Load(payload, featureCount, task, outputCount) : null;

    /// <summary>LightGBM through ML.NET; defaults are the own gbdt's, so the same names give the same model size.</summary>
    private sealed record LightGbmOptions(int Trees, double LearningRate, int Leaves, int MaxBins, int MinSamplesLeaf, double L2, double L1,
        double FeatureFraction, double RowFraction, int MaxDepth, double MinSplitGain)
    {
        public static LightGbmOptions From(Params p)
        {
            var o = new LightGbmOptions(p.Int("trees", 100), p.Real("learningRate", 0.1), p.Int("leaves", 31), p.Int("maxBins", 255),
                p.Int("minSamplesLeaf", 20), p.Real("l2", 1.0), p.Real("l1", 0), p.Real("featureFraction", 1.0), p.Real("rowFraction", 1.0),
                p.Int("maxDepth", 0), p.Real("minSplitGain", 0));
            p.Check(o.Trees >= 1, "trees must be at least 1.");
            p.Check(o.LearningRate is > 0 and <= 1, "learningRate must be in (0, 1].");
            p.Check(o.Leaves >= 2, "leaves must be at least 2.");
            p.Check(o.MaxBins >= 2, "maxBins must be at least 2.");
            p.Check(o.MinSamplesLeaf >= 1, "minSamplesLeaf must be at least 1.");
            p.Check(o.L2 >= 0 && o.L1 >= 0 && o.MinSplitGain >= 0, "l2, l1 and minSplitGain must not be negative.");
            p.Check(o.FeatureFraction is > 0 and <= 1, "featureFraction must be in (0, 1].");
            p.Check(o.RowFraction is > 0 and <= 1, "rowFraction must be in (0, 1].");
            p.Check(o.MaxDepth >= 0, "maxDepth must not be negative.");
            return o;
        }

        public MlEstimator Trainer(MLContext ml, TaskKind task, int seed, int threads)
        {
            var booster = new GradientBooster.Options
            {
                L2Regularization = L2,
                L1Regularization = L1,
                FeatureFraction = FeatureFraction,
                SubsampleFraction = RowFraction,
                SubsampleFrequency = RowFraction < 1 ? 1 : 0,
                MaximumTreeDepth = MaxDepth,
                MinimumSplitGain = MinSplitGain,
            };
            switch (task)
            {
                case TaskKind.Binary:
                    return ml.BinaryClassification.Trainers.LightGbm(Apply(new LightGbmBinaryTrainer.Options
                    {
                        // LightGBM's own binary objective (ML.NET defaults to 0.5): the same log-loss as gbdt and xgboost.
                        Sigmoid = 1.0,
                        EvaluationMetric = LightGbmBinaryTrainer.Options.EvaluateMetricType.None,
                    }, booster, seed, threads));
                case TaskKind.Multiclass:
                    return ml.MulticlassClassification.Trainers.LightGbm(Apply(new LightGbmMulticlassTrainer.Options
                    {
                        UseSoftmax = true,
                        EvaluationMetric = LightGbmMulticlassTrainer.Options.EvaluateMetricType.None,
                    }, booster, seed, threads));
                default:
                    return ml.Regression.Trainers.LightGbm(Apply(new LightGbmRegressionTrainer.Options
                    {
                        EvaluationMetric = LightGbmRegressionTrainer.Options.EvaluateMetricType.None,
                    }, booster, seed, threads));
            }
        }

        private TOptions Apply<TOptions>(TOptions o, GradientBooster.Options booster, int seed, int threads) where TOptions : class
        {
            dynamic d = o;
            d.LabelColumnName = FeatureMatrixView.LabelColumn;
            d.FeatureColumnName = FeatureMatrixView.FeaturesColumn;
            d.NumberOfIterations = Trees;
            d.LearningRate = (double?)LearningRate;
            d.NumberOfLeaves = (int?)Leaves;
            d.MinimumExampleCountPerLeaf = (int?)MinSamplesLeaf;
            d.MaximumBinCountPerFeature = MaxBins;
            d.HandleMissingValue = true;
            d.UseZeroAsMissingValue = false;
            d.UseCategoricalSplit = (bool?)false;
            d.Seed = (int?)seed;
            d.NumberOfThreads = (int?)threads;
            d.Deterministic = true;
            d.ForceColumnWise = true;
            d.Silent = true;
            // Rows reach LightGBM in batches of this many values (ML.NET's default is 2^20): a smaller buffer lowers the
            // peak memory of loading the data set, and the model does not depend on it.
            d.BatchSize = 1 << 16;
            d.Verbose = false;
            d.Booster = booster;
            return o;
        }
    }

    /// <summary>ML.NET's L-BFGS; <c>l2</c> is the same penalty as the own logistic trainer's, <c>l1</c> defaults to 0 (ML.NET: 1).</summary>
    private sealed record LbfgsOptions(double L2, double L1, int MaxIterations, double Tolerance, int History)
    {
        public static LbfgsOptions From(Params p)
        {
            var o = new LbfgsOptions(p.Real("l2", 1.0), p.Real("l1", 0), p.Int("maxIterations", 100), p.Real("tolerance", 1e-7), p.Int("history", 20));
            p.Check(o.L2 >= 0 && o.L1 >= 0, "l2 and l1 must not be negative.");
            p.Check(o.MaxIterations >= 1, "maxIterations must be at least 1.");
            p.Check(o.Tolerance > 0, "tolerance must be positive.");
            p.Check(o.History >= 1, "history must be at least 1.");
            return o;
        }

        public MlEstimator Trainer(MLContext ml, TaskKind task)
        {
            // One thread: ML.NET splits the L-BFGS sums by thread, so more threads would change the bits of the model.
            if (task == TaskKind.Binary)
                return ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
                {
                    LabelColumnName = FeatureMatrixView.LabelColumn, FeatureColumnName = FeatureMatrixView.FeaturesColumn,
                    L2Regularization = (float)L2, L1Regularization = (float)L1, MaximumNumberOfIterations = MaxIterations,
                    OptimizationTolerance = (float)Tolerance, HistorySize = History, NumberOfThreads = 1,
                });
            return ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
            {
                LabelColumnName = FeatureMatrixView.LabelColumn, FeatureColumnName = FeatureMatrixView.FeaturesColumn,
                L2Regularization = (float)L2, L1Regularization = (float)L1, MaximumNumberOfIterations = MaxIterations,
                OptimizationTolerance = (float)Tolerance, HistorySize = History, NumberOfThreads = 1,
            });
        }
    }

    private sealed class Params(string trainer, IReadOnlyDictionary<string, string> p, IReadOnlyList<string> known)
    {
        private readonly bool _checked = Validate(trainer, p, known);

        private static bool Validate(string trainer, IReadOnlyDictionary<string, string> p, IReadOnlyList<string> known)
        {
            foreach (var name in p.Keys)
                if (!known.Contains(name))
                    throw new TrainingDataException($"Unknown hyperparameter '{name}' for trainer '{trainer}'. Known: {string.Join(", ", known)}.");
            return true;
        }

        public int Int(string name, int fallback)
        {
            _ = _checked;
            if (!p.TryGetValue(name, out var s)) return fallback;
            return int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v
                : throw new TrainingDataException($"Hyperparameter '{name}' must be an integer, got '{s}'.");
        }

        public double Real(string name, double fallback)
        {
            if (!p.TryGetValue(name, out var s)) return fallback;
            return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v
                : throw new TrainingDataException($"Hyperparameter '{name}' must be a number, got '{s}'.");
        }

        public void Check(bool ok, string message)
        {
            if (!ok) throw new TrainingDataException(message);
        }
    }
}

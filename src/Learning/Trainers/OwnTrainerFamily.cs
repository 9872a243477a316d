using MlOps.Learning.Linear;
using MlOps.Learning.Transforms;
using MlOps.Learning.Trees;

namespace MlOps.Learning.Trainers;

/// <summary>The own engine's trainers: gbdt, logistic, linear.</summary>
internal sealed class OwnTrainerFamily : ITrainerFamily
{
    public static readonly OwnTrainerFamily Instance = new();

    public string Family => "own";
    public IReadOnlyList<string> Trainers { get; } = [TrainerNames.Gbdt, TrainerNames.Logistic, TrainerNames.Linear];

    public IReadOnlyList<string> HyperparameterNames(string trainer) => Hyperparameters.OwnNames(trainer);

    public IReadOnlyList<TaskKind> Tasks(string trainer) => trainer switch
    {
        TrainerNames.Gbdt => [TaskKind.Binary, TaskKind.Multiclass, TaskKind.Regression],
        TrainerNames.Logistic => [TaskKind.Binary, TaskKind.Multiclass],
        _ => [TaskKind.Regression],
    };

    public FeatureStyle Style(string trainer) => trainer == TrainerNames.Gbdt ? FeatureStyle.Trees : FeatureStyle.Linear;

    public IReadOnlyDictionary<string, string> Resolve(string trainer, IReadOnlyDictionary<string, string> parameters) =>
        Hyperparameters.ResolveOwn(trainer, parameters);

    public (IEstimator Estimator, double[] Importance) Fit(TrainingInput input)
    {
        switch (input.Trainer)
        {
            case TrainerNames.Gbdt:
                return TrainGbdt(input, Hyperparameters.Gbdt(input.Parameters));
            case TrainerNames.Logistic:
                var logistic = LogisticTrainer.Train(input.Features, input.Y, input.ClassCount, Hyperparameters.Logistic(input.Parameters), input.MaxDegreeOfParallelism);
                return (logistic, WeightImportance(logistic));
            default:
                var ridge = RidgeTrainer.Train(input.Features, input.Y, Hyperparameters.Ridge(input.Parameters));
                return (ridge, WeightImportance(ridge));
        }
    }

    public IEstimator? ReadEstimator(string format, byte[] payload, int featureCount, TaskKind task, int outputCount) => null;

    private static (IEstimator, double[]) TrainGbdt(TrainingInput input, GbdtOptions options)
    {
        var random = new Random(input.Seed);
        var (x, y) = (input.Features, input.Y);
        if (options.EarlyStoppingRounds <= 0)
        {
            var r = GbdtTrainer.Train(x, y, input.Task, input.ClassCount, options, random, input.MaxDegreeOfParallelism, progress: input.Progress);
            return (r.Ensemble, r.FeatureGains);
        }
        var (fit, valid) = DataSplits.Random(y.Length, options.ValidationFraction, input.Seed, input.Task == TaskKind.Regression ? default : y);
        var result = GbdtTrainer.Train(Rows(x, fit), fit.Select(i => y[i]).ToArray(), input.Task, input.ClassCount, options, random,
            input.MaxDegreeOfParallelism, (Rows(x, valid), valid.Select(i => y[i]).ToArray()), input.Progress);
        return (result.Ensemble, result.FeatureGains);
    }

    private static double[][] Rows(double[][] x, int[] rows)
    {
        var result = new double[x.Length][];
        for (var f = 0; f < x.Length; f++)
        {
            var src = x[f];
            var dst = result[f] = new double[rows.Length];
            for (var i = 0; i < rows.Length; i++) dst[i] = src[rows[i]];
        }
        return result;
    }

    /// <summary>Mean absolute weight per feature across outputs: features are standardised, so weights compare.</summary>
    private static double[] WeightImportance(LinearModel model)
    {
        var f = model.FeatureCount;
        var result = new double[f];
        for (var k = 0; k < model.OutputCount; k++)
            for (var j = 0; j < f; j++) result[j] += Math.Abs(model.Weights[k * f + j]) / model.OutputCount;
        return result;
    }
}

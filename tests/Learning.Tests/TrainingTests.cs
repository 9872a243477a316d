using MlOps.Learning;
using MlOps.Learning.Artifacts;
using MlOps.Learning.Metrics;
using MlOps.Learning.Trainers;

namespace MlOps.Tests.Learning;

public sealed class TrainingTests
{
    // Trees get an axis-aligned boundary (a diagonal one is a staircase to them), logistic a diagonal one.
    [Theory]
    [InlineData(TrainerNames.Gbdt)]
    [InlineData(TrainerNames.Logistic)]
    public void Separable_data_reaches_accuracy_one(string trainer)
    {
        var spec = new TrainingSpec { Target = "label", Task = TaskKind.Binary, Trainer = trainer, Parameters = trainer == TrainerNames.Logistic ? new Dictionary<string, string> { ["l2"] = "0.001", ["maxIterations"] = "300" } : new Dictionary<string, string>() };
        var result = Trainer.TrainAndEvaluate(Generated.Separable(1500, 1, diagonal: trainer != TrainerNames.Gbdt), Generated.Separable(500, 2, diagonal: trainer != TrainerNames.Gbdt), spec);
        Assert.Equal(1.0, result.Metrics[MetricNames.Accuracy]);
        Assert.Equal(1.0, result.Metrics[MetricNames.Auc], 6);
    }

    [Fact]
    public void Noiseless_linear_data_reaches_r2_above_0_999()
    {
        var spec = new TrainingSpec { Target = "y", Task = TaskKind.Regression, Trainer = TrainerNames.Linear, Parameters = new Dictionary<string, string> { ["l2"] = "0.0001" } };
        var result = Trainer.TrainAndEvaluate(Generated.Linear(800, 3), Generated.Linear(200, 4), spec);
        Assert.True(result.Metrics[MetricNames.R2] > 0.999, $"r2 = {result.Metrics[MetricNames.R2]}");
    }

    [Fact]
    public void Gbdt_regression_fits_a_smooth_target_well()
    {
        var spec = new TrainingSpec { Target = "y", Task = TaskKind.Regression, Parameters = new Dictionary<string, string> { ["trees"] = "200", ["minSamplesLeaf"] = "5" } };
        var result = Trainer.TrainAndEvaluate(Generated.Linear(2000, 5), Generated.Linear(300, 6), spec);
        Assert.True(result.Metrics[MetricNames.R2] > 0.98, $"r2 = {result.Metrics[MetricNames.R2]}");
    }

    [Fact]
    public void Seattle_weather_multiclass_beats_the_majority_class_by_a_wide_margin()
    {
        using var stream = File.OpenRead(Generated.TestData("seattle-weather.csv"));
        var frame = MlOps.Learning.Data.TabularFrame.ReadCsv(stream);
        var spec = new TrainingSpec { Target = "weather", Task = TaskKind.Multiclass, Seed = 42 };
        var result = Trainer.TrainAndEvaluate(frame, null, spec, 0.2);
        var weather = frame["weather"];
        var counts = new int[weather.Categories.Count];
        foreach (var c in weather.Codes) counts[c]++;
        var baseline = (double)counts.Max() / frame.RowCount;
        Assert.True(result.Metrics[MetricNames.Accuracy] > baseline + 0.25, $"accuracy {result.Metrics[MetricNames.Accuracy]} vs majority {baseline}");
        Assert.True(result.Metrics[MetricNames.Auc] > 0.8);
        Assert.Equal(5, result.Model.Info.Classes.Count);
    }

    [Fact]
    public void Missing_values_that_carry_signal_are_learned_by_default_direction()
    {
        var spec = new TrainingSpec { Target = "label", Task = TaskKind.Multiclass };
        var result = Trainer.TrainAndEvaluate(Generated.ThreeClasses(1500, 7), Generated.ThreeClasses(500, 8), spec);
        Assert.True(result.Metrics[MetricNames.Accuracy] > 0.95, $"accuracy {result.Metrics[MetricNames.Accuracy]}");
        Assert.Contains(result.Model.Transforms.FeatureNames, n => n == "when.month");
    }

    [Fact]
    public void Early_stopping_keeps_the_best_round_only()
    {
        var spec = new TrainingSpec
        {
            Target = "label", Task = TaskKind.Binary,
            Parameters = new Dictionary<string, string> { ["trees"] = "500", ["learningRate"] = "0.5", ["earlyStoppingRounds"] = "5" },
        };
        var model = Trainer.Train(Generated.Noise(2000, 9), spec);
        var trees = ((MlOps.Learning.Trees.TreeEnsemble)model.Estimator).TreeCount;
        Assert.InRange(trees, 1, 50);
    }

    [Fact]
    public void Gbdt_reports_each_round_and_the_report_does_not_change_the_artifact()
    {
        var spec = new TrainingSpec
        {
            Target = "label", Task = TaskKind.Multiclass, Seed = 3,
            Parameters = new Dictionary<string, string> { ["trees"] = "12" },
        };
        var frame = Generated.ThreeClasses(600, 11);
        var reports = new List<TrainingProgress>();
        var withProgress = Trainer.Train(frame, spec with { Progress = new Recorder(reports) });
        Assert.Equal(Enumerable.Range(1, 12), reports.Select(r => r.Rounds));
        Assert.All(reports, r => Assert.Equal(12, r.TotalRounds));
        Assert.Equal(ModelArtifact.ToBytes(Trainer.Train(frame, spec)), ModelArtifact.ToBytes(withProgress));
    }

    /// <summary>Records reports synchronously (Progress&lt;T&gt; would post them to a thread-pool context, out of order).</summary>
    sealed class Recorder(List<TrainingProgress> into) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => into.Add(value);
    }

    [Fact]
    public void Cross_validation_reports_every_fold_and_the_mean()
    {
        var spec = new TrainingSpec { Target = "label", Task = TaskKind.Binary, Parameters = new Dictionary<string, string> { ["trees"] = "20" } };
        var cv = CrossValidation.Run(Generated.Separable(600, 10), spec, 3);
        Assert.Equal(3, cv.Folds.Count);
        Assert.True(cv.Mean[MetricNames.Accuracy] > 0.9);
    }

    [Fact]
    public void Gain_importance_ranks_the_informative_features_first()
    {
        var model = Trainer.Train(Generated.Separable(1500, 11), new TrainingSpec { Target = "label", Task = TaskKind.Binary });
        var top = model.FeatureImportance.OrderByDescending(i => i.Importance).Take(2).Select(i => i.Feature).Order().ToArray();
        Assert.Equal(["x0", "x1"], top);
    }

    [Fact]
    public void Unknown_hyperparameters_are_rejected_by_name()
    {
        var spec = new TrainingSpec { Target = "label", Task = TaskKind.Binary, Parameters = new Dictionary<string, string> { ["depth"] = "3" } };
        var e = Assert.Throws<TrainingDataException>(() => Trainer.Train(Generated.Separable(100, 1), spec));
        Assert.Contains("depth", e.Message);
    }
}

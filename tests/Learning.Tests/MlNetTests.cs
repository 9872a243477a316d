using MlOps.Learning;
using MlOps.Learning.Artifacts;
using MlOps.Learning.Metrics;
using MlOps.Learning.MLNet;
using MlOps.Learning.Trainers;

namespace MlOps.Tests.Learning;

public sealed class MlNetTests
{
    private static Dictionary<string, string> P(params (string, string)[] p) => p.ToDictionary(x => x.Item1, x => x.Item2);

    [Fact]
    public void The_trainer_registry_finds_both_families_by_name()
    {
        var names = TrainerRegistry.Names;
        foreach (var t in new[] { "gbdt", "logistic", "linear", "lightgbm", "lbfgs" }) Assert.Contains(t, names);
        Assert.Equal("ML.NET", TrainerRegistry.Find("lightgbm").Family);
        Assert.Equal("own", TrainerRegistry.Find("gbdt").Family);
        Assert.Contains("leaves", Hyperparameters.Names("lightgbm"));
        Assert.DoesNotContain("sdca", names);
        var e = Assert.Throws<TrainingDataException>(() => TrainerRegistry.Find("sdca"));
        Assert.Contains("lightgbm", e.Message);
    }

    [Theory]
    [InlineData("lightgbm")]
    [InlineData("lbfgs")]
    public void Binary_separable_data_is_learned(string trainer)
    {
        var spec = new TrainingSpec
        {
            Target = "label", Task = TaskKind.Binary, Trainer = trainer,
            Parameters = trainer == "lbfgs" ? P(("l2", "0.001"), ("maxIterations", "300")) : P(("minSamplesLeaf", "5")),
        };
        var diagonal = trainer == "lbfgs";
        var result = Trainer.TrainAndEvaluate(Generated.Separable(1500, 1, diagonal), Generated.Separable(500, 2, diagonal), spec);
        Assert.True(result.Metrics[MetricNames.Accuracy] > 0.98, $"accuracy {result.Metrics[MetricNames.Accuracy]}");
        Assert.True(result.Metrics[MetricNames.Auc] > 0.99);
        Assert.Equal(trainer, result.Model.Info.Trainer);
        Assert.Equal(["no", "yes"], result.Model.Info.Classes);
    }

    [Theory]
    [InlineData("lightgbm")]
    [InlineData("lbfgs")]
    public void Multiclass_with_informative_missing_values_and_dates(string trainer)
    {
        var spec = new TrainingSpec { Target = "label", Task = TaskKind.Multiclass, Trainer = trainer, Parameters = trainer == "lightgbm" ? P(("minSamplesLeaf", "5")) : P() };
        var result = Trainer.TrainAndEvaluate(Generated.ThreeClasses(1500, 7), Generated.ThreeClasses(500, 8), spec);
        // Trees see "x1 missing" as a signal; the linear model sees only the imputed mean, so it is held to less.
        Assert.True(result.Metrics[MetricNames.Accuracy] > (trainer == "lightgbm" ? 0.95 : 0.8), $"accuracy {result.Metrics[MetricNames.Accuracy]}");
        Assert.Equal(3, result.Model.Info.Classes.Count);
        // Importance comes from the ML.NET model: x0 decides class c, so it must rank above the pure-noise x2.
        var importance = result.Model.FeatureImportance.ToDictionary(i => i.Feature, i => i.Importance);
        Assert.True(importance["x0"] > importance["x2"], string.Join(", ", importance.Select(kv => $"{kv.Key}={kv.Value:G3}")));
        var p = result.Model.Predict(Generated.ThreeClasses(50, 9));
        for (var r = 0; r < p.Count; r++) Assert.Equal(1.0, p.Row(r).ToArray().Sum(), 6);
    }

    [Fact]
    public void Lightgbm_regression_fits_a_smooth_target()
    {
        var spec = new TrainingSpec { Target = "y", Task = TaskKind.Regression, Trainer = "lightgbm", Parameters = P(("trees", "200"), ("minSamplesLeaf", "5")) };
        var result = Trainer.TrainAndEvaluate(Generated.Linear(2000, 5), Generated.Linear(300, 6), spec);
        Assert.True(result.Metrics[MetricNames.R2] > 0.98, $"r2 = {result.Metrics[MetricNames.R2]}");
    }

    [Fact]
    public void A_lightgbm_candidate_and_a_gbdt_champion_get_the_same_holdout_and_metrics()
    {
        var data = Generated.ThreeClasses(1200, 3);
        var gbdt = Trainer.TrainAndEvaluate(data, null, new TrainingSpec { Target = "label", Task = TaskKind.Multiclass, Seed = 7 });
        var lgbm = Trainer.TrainAndEvaluate(data, null, new TrainingSpec { Target = "label", Task = TaskKind.Multiclass, Seed = 7, Trainer = "lightgbm" });
        Assert.Equal(gbdt.TestRows, lgbm.TestRows);
        Assert.Equal(gbdt.Metrics.Keys, lgbm.Metrics.Keys);
        Assert.Equal(gbdt.Model.InputSchema.Select(c => c.Name), lgbm.Model.InputSchema.Select(c => c.Name));
        Assert.Equal(gbdt.Model.Profile.Features.Count, lgbm.Model.Profile.Features.Count);
        Assert.True(Math.Abs(gbdt.Metrics[MetricNames.Accuracy] - lgbm.Metrics[MetricNames.Accuracy]) < 0.05);
    }

    [Fact]
    public void Ml_net_hyperparameters_are_checked_by_name_and_resolved_with_defaults()
    {
        var spec = new TrainingSpec { Target = "label", Task = TaskKind.Binary, Trainer = "lightgbm", Parameters = P(("depth", "3")) };
        var e = Assert.Throws<TrainingDataException>(() => Trainer.Train(Generated.Separable(100, 1), spec));
        Assert.Contains("depth", e.Message);
        var resolved = Hyperparameters.Resolve("lightgbm", P(("trees", "7")));
        Assert.Equal("7", resolved["trees"]);
        Assert.Equal("31", resolved["leaves"]);
        Assert.Throws<TrainingDataException>(() => Hyperparameters.Resolve("lightgbm", P(("learningRate", "2"))));
        var lbfgsRegression = new TrainingSpec { Target = "y", Task = TaskKind.Regression, Trainer = "lbfgs" };
        var task = Assert.Throws<TrainingDataException>(() => Trainer.Train(Generated.Linear(100, 1), lbfgsRegression));
        Assert.Contains("regression", task.Message);
    }

    [Theory]
    [InlineData("lightgbm", TaskKind.Multiclass)]
    [InlineData("lightgbm", TaskKind.Binary)]
    [InlineData("lbfgs", TaskKind.Multiclass)]
    public void Ml_net_artifacts_are_byte_identical_for_any_thread_count_and_round_trip(string trainer, TaskKind task)
    {
        var frame = task == TaskKind.Binary ? Generated.Separable(3000, 3) : Generated.ThreeClasses(3000, 3);
        TrainingSpec Spec(int threads) => new()
        {
            Target = "label", Task = task, Trainer = trainer, Seed = 5, MaxDegreeOfParallelism = threads,
            Parameters = trainer == "lightgbm" ? P(("trees", "20"), ("featureFraction", "0.7"), ("rowFraction", "0.8")) : P(),
        };
        var one = ModelArtifact.ToBytes(Trainer.Train(frame, Spec(1)));
        var two = ModelArtifact.ToBytes(Trainer.Train(frame, Spec(2)));
        var again = ModelArtifact.ToBytes(Trainer.Train(frame, Spec(2)));
        Assert.Equal(one, two);
        Assert.Equal(two, again);

        var model = ModelArtifact.FromBytes(one);
        Assert.IsType<MlNetEstimator>(model.Estimator);
        var original = Trainer.Train(frame, Spec(1));
        var test = task == TaskKind.Binary ? Generated.Separable(200, 4) : Generated.ThreeClasses(200, 4);
        Assert.Equal(original.Predict(test).Values, model.Predict(test).Values);
        Assert.Equal(one, ModelArtifact.ToBytes(model));
    }

    [Fact]
    public void A_tampered_ml_net_artifact_is_rejected()
    {
        var bytes = ModelArtifact.ToBytes(Trainer.Train(Generated.Separable(300, 1), new TrainingSpec { Target = "label", Task = TaskKind.Binary, Trainer = "lbfgs" }));
        bytes[bytes.Length - 100] ^= 0x01;
        Assert.Contains("SHA-256", Assert.Throws<ModelFormatException>(() => ModelArtifact.FromBytes(bytes)).Message);
    }

    [Fact]
    public void Single_row_prediction_of_an_ml_net_model_matches_batch()
    {
        var frame = Generated.ThreeClasses(800, 4);
        var model = Trainer.Train(frame, new TrainingSpec { Target = "label", Task = TaskKind.Multiclass, Trainer = "lightgbm", Parameters = P(("trees", "20")) });
        var batch = model.Predict(frame);
        var inputs = Enumerable.Range(0, model.Transforms.InputCount).Select(i => model.Transforms.InputValues(frame, i)).ToArray();
        var results = new double[frame.RowCount * model.OutputCount];
        Parallel.For(0, frame.RowCount, new ParallelOptions { MaxDegreeOfParallelism = 3 }, r =>
        {
            var row = inputs.Select(c => c[r]).ToArray();
            model.Predict(row, results.AsSpan(r * model.OutputCount, model.OutputCount));
        });
        for (var i = 0; i < results.Length; i++) Assert.Equal(batch.Values[i], results[i], 12);
    }

    [Fact]
    public void A_missing_openmp_runtime_fails_with_a_message_naming_the_debian_package()
    {
        var e = Assert.Throws<TrainingDataException>(() => NativeDependencies.EnsureLightGbm(_ => false));
        Assert.Contains("libgomp1", e.Message);
        NativeDependencies.EnsureLightGbm(_ => true);
        // On this machine the real check passes (scripts/install-deps.sh installs libgomp1).
        NativeDependencies.EnsureLightGbm();
    }
}

using MlOps.Learning;
using MlOps.Learning.Artifacts;
using MlOps.Learning.Data;
using MlOps.Learning.Trainers;

namespace MlOps.Tests.Learning;

public sealed class ArtifactTests
{
    private static TrainingSpec Spec(string trainer, int threads) => new()
    {
        Target = "label", Task = TaskKind.Multiclass, Trainer = trainer, Seed = 5, MaxDegreeOfParallelism = threads,
        Parameters = trainer == TrainerNames.Gbdt
            ? new Dictionary<string, string> { ["trees"] = "30", ["featureFraction"] = "0.7", ["rowFraction"] = "0.8", ["minSamplesLeaf"] = "3" }
            : new Dictionary<string, string>(),
    };

    [Theory]
    [InlineData(TrainerNames.Gbdt)]
    [InlineData(TrainerNames.Logistic)]
    public void The_same_data_definition_and_seed_give_byte_identical_artifacts_for_any_thread_count(string trainer)
    {
        // Enough rows that histogram building and gradient chunks really run in parallel.
        var frame = Generated.ThreeClasses(40_000, 3);
        var one = ModelArtifact.ToBytes(Trainer.Train(frame, Spec(trainer, 1)));
        var two = ModelArtifact.ToBytes(Trainer.Train(frame, Spec(trainer, 2)));
        var four = ModelArtifact.ToBytes(Trainer.Train(frame, Spec(trainer, 4)));
        var again = ModelArtifact.ToBytes(Trainer.Train(frame, Spec(trainer, 2)));
        Assert.Equal(one, two);
        Assert.Equal(one, four);
        Assert.Equal(two, again);
    }

    [Theory]
    [InlineData(TrainerNames.Gbdt)]
    [InlineData(TrainerNames.Logistic)]
    public void A_saved_and_loaded_model_predicts_identically(string trainer)
    {
        var train = Generated.ThreeClasses(800, 1);
        var test = Generated.ThreeClasses(200, 2);
        var evaluation = Trainer.TrainAndEvaluate(train, test, Spec(trainer, 2));
        using var stream = new MemoryStream();
        ModelArtifact.Write(evaluation.Model, stream);
        stream.Position = 0;
        var loaded = ModelArtifact.Read(stream);
        Assert.Equal(evaluation.Model.Predict(test).Values, loaded.Predict(test).Values);
        Assert.Equal(evaluation.Metrics, loaded.Metrics);
        Assert.Equal(evaluation.Model.Profile.Features.Count, loaded.Profile.Features.Count);
        Assert.Equal(ModelArtifact.ToBytes(evaluation.Model), ModelArtifact.ToBytes(loaded));
    }

    [Fact]
    public void A_tampered_artifact_is_rejected()
    {
        var bytes = ModelArtifact.ToBytes(Trainer.Train(Generated.Separable(300, 1), new TrainingSpec { Target = "label", Task = TaskKind.Binary }));
        bytes[bytes.Length / 2] ^= 0x01;
        var e = Assert.Throws<ModelFormatException>(() => ModelArtifact.FromBytes(bytes));
        Assert.Contains("SHA-256", e.Message);
    }

    [Fact]
    public void A_truncated_artifact_is_rejected()
    {
        var bytes = ModelArtifact.ToBytes(Trainer.Train(Generated.Separable(300, 1), new TrainingSpec { Target = "label", Task = TaskKind.Binary }));
        var e = Assert.Throws<ModelFormatException>(() => ModelArtifact.FromBytes(bytes.AsSpan(0, bytes.Length - 10)));
        Assert.Contains("truncated", e.Message);
        Assert.Throws<ModelFormatException>(() => ModelArtifact.FromBytes("not a model at all, just text"u8));
    }

    [Fact]
    public void Single_row_prediction_matches_batch_and_allocates_nothing()
    {
        var frame = Generated.ThreeClasses(600, 4);
        var model = Trainer.Train(frame, Spec(TrainerNames.Gbdt, 1));
        var batch = model.Predict(frame);
        var inputs = new double[model.Transforms.InputCount];
        var output = new double[model.OutputCount];
        for (var i = 0; i < inputs.Length; i++) inputs[i] = model.Transforms.InputValues(frame, i)[10];
        model.Predict(inputs, output);
        Assert.Equal(batch.Row(10).ToArray(), output);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++) model.Predict(inputs, output);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Concurrent_single_row_predictions_agree_with_batch()
    {
        var frame = Generated.ThreeClasses(2000, 6);
        var model = Trainer.Train(frame, Spec(TrainerNames.Gbdt, 2));
        var batch = model.Predict(frame);
        var inputs = Enumerable.Range(0, model.Transforms.InputCount).Select(i => model.Transforms.InputValues(frame, i)).ToArray();
        var results = new double[frame.RowCount * model.OutputCount];
        Parallel.For(0, frame.RowCount, new ParallelOptions { MaxDegreeOfParallelism = 4 }, r =>
        {
            Span<double> row = stackalloc double[inputs.Length];
            for (var i = 0; i < inputs.Length; i++) row[i] = inputs[i][r];
            model.Predict(row, results.AsSpan(r * model.OutputCount, model.OutputCount));
        });
        Assert.Equal(batch.Values, results);
    }

    [Fact]
    public void Categories_unseen_in_training_predict_without_error()
    {
        var model = Trainer.Train(Generated.Separable(500, 1), new TrainingSpec { Target = "label", Task = TaskKind.Binary, Trainer = TrainerNames.Logistic });
        var frame = Generated.Read("x0,x1,noise,color\n1.5,1.0,0.2,purple\n-1.5,-1,0.3,\n");
        var p = model.Predict(frame);
        Assert.Equal("yes", p.Label(0));
        Assert.Equal("no", p.Label(1));
    }

    [Fact]
    public void The_reference_profile_detects_a_shifted_feature()
    {
        var model = Trainer.Train(Generated.Separable(2000, 1), new TrainingSpec { Target = "label", Task = TaskKind.Binary });
        var profile = model.Profile.Find("x0")!;
        Assert.Equal(ReferenceProfileQuantiles, profile.Quantiles.Length);
        var same = Generated.Separable(1000, 2)["x0"];
        var shifted = Column.Numeric("x0", ColumnType.Float, same.Numbers.ToArray().Select(v => v + 1.5).ToArray());
        var psiSame = MlOps.Learning.Profiling.DriftStatistics.PopulationStabilityIndex(profile, same);
        var psiShifted = MlOps.Learning.Profiling.DriftStatistics.PopulationStabilityIndex(profile, shifted);
        Assert.True(psiSame < 0.1, $"psi same {psiSame}");
        Assert.True(psiShifted > 0.5, $"psi shifted {psiShifted}");
    }

    private const int ReferenceProfileQuantiles = MlOps.Learning.Profiling.ReferenceProfile.QuantileCount;
}

public sealed class TreeEnsembleTests
{
    [Fact]
    public void A_tree_whose_node_points_back_is_refused_so_prediction_cannot_loop()
    {
        var nodes = new[] { new MlOps.Learning.Trees.TreeNode(0.5, 0, 0, ~0, false) };
        Assert.Throws<InvalidDataException>(() => new MlOps.Learning.Trees.TreeEnsemble(1, [0.0], [0], nodes, [1.0]));
    }

    [Fact]
    public void Missing_values_follow_the_default_direction()
    {
        var nodes = new[] { new MlOps.Learning.Trees.TreeNode(0.5, 0, ~0, ~1, true) };
        var trees = new MlOps.Learning.Trees.TreeEnsemble(1, [0.0], [0], nodes, [-1.0, 1.0]);
        Span<double> raw = stackalloc double[1];
        trees.PredictRaw([double.NaN], raw);
        Assert.Equal(-1.0, raw[0]);
        trees.PredictRaw([0.7], raw);
        Assert.Equal(1.0, raw[0]);
    }
}

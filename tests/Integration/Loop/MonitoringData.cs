using MlOps.Contracts;
using MlOps.Learning;
using MlOps.Learning.Artifacts;
using MlOps.Learning.Data;
using MlOps.Learning.Profiling;
using MlOps.Learning.Trainers;
using MlOps.Tests.Integration.Infrastructure;

namespace MlOps.Tests.Integration.Loop;

/// <summary>A weather model trained in process on Seattle's data, its events as Training and the Registry publish them, and rows it served.</summary>
public static class MonitoringData
{
    public static readonly string[] Features = ["precipitation", "temp_max", "temp_min", "wind"];

    /// <summary>One served prediction: its id, the inputs as sent and the label the model answered; <see cref="Truth"/> is the real weather.</summary>
    public sealed record Served(Guid Id, Dictionary<string, object?> Inputs, string Prediction, string Truth);

    static readonly Lazy<(TrainedModel Model, string Hash)> Trained = new(() =>
    {
        using var csv = File.OpenRead(RepoPaths.TestData("seattle-weather.csv"));
        var frame = TabularFrame.ReadCsv(csv);
        var evaluation = Trainer.TrainAndEvaluate(frame, null, new TrainingSpec
        {
            Target = "weather", Task = TaskKind.Multiclass, Trainer = "gbdt", Exclude = ["date"], Seed = 42,
            Parameters = new Dictionary<string, string> { ["trees"] = "10", ["leaves"] = "8" },
        });
        return (evaluation.Model, ModelArtifact.ContentHash(ModelArtifact.ToBytes(evaluation.Model)));
    });

    public static TrainedModel Model => Trained.Value.Model;

    /// <summary>The reference as Training's RunExecutor publishes it.</summary>
    public static FeatureReference Reference(FeatureProfile f) => f.Type == ColumnType.Categorical
        ? new FeatureReference(f.Name, "categorical", null, f.Categories, f.CategoryShares, f.NullShare, "categorical", f.Count)
        : new FeatureReference(f.Name, "numeric", f.Quantiles, null, f.BinShares, f.NullShare, f.Type.ToString().ToLowerInvariant(), f.Count,
            double.IsFinite(f.Mean) ? f.Mean : null, double.IsFinite(f.StdDev) ? f.StdDev : null, f.SortedValues);

    public static PipelineDefined Pipeline(string model, int windowRows, int cooldownSeconds, string? webhook = null) => new(
        model, "seattle-weather", MlTask.Multiclass, "weather", Features, ["date"], new TrainerSpec("gbdt", new Dictionary<string, double> { ["trees"] = 10 }),
        new SplitSpec("random", 0.2, 42), new RetrainPolicy(100, true, cooldownSeconds), new PromotionPolicy("accuracy", 0),
        new DriftPolicy(windowRows, 0.2, 0.05, 0.5), "sha256:" + new string('e', 64), Guid.NewGuid(), DateTimeOffset.UtcNow, null, new AlertsPolicy(webhook));

    public static ModelTrained ModelTrained(string model, string? artifactHash = null) => new(
        Guid.NewGuid(), model, new DatasetVersion("seattle-weather", "sha256:" + new string('a', 64), ["sha256:" + new string('b', 64)], 1461, 1, [1461]),
        "sha256:" + new string('e', 64), "gbdt", new Dictionary<string, double> { ["trees"] = 10 }, 42, "test", Model.Metrics.ToDictionary(),
        artifactHash ?? Trained.Value.Hash, [.. Model.Profile.Features.Select(Reference)], "manual", Guid.NewGuid(), DateTimeOffset.UtcNow,
        MlTask.Multiclass, "weather", null, new PromotionPolicy("accuracy", 0), Model.Info.TrainingRows, Reference(Model.Profile.Target!));

    public static ModelPromoted Promoted(string model, int version, string? artifactHash = null) => new(
        model, version, version > 1 ? version - 1 : null, artifactHash ?? Trained.Value.Hash, "gate", null,
        [.. Model.Profile.Features.Select(Reference)], Guid.NewGuid(), DateTimeOffset.UtcNow);

    /// <summary>Rows of weather.csv at <paramref name="location"/>, every <paramref name="step"/>-th from <paramref name="skip"/>, predicted by the model.</summary>
    public static List<Served> Rows(string location, int skip, int step, int count)
    {
        var lines = File.ReadAllLines(RepoPaths.TestData("weather.csv")).Skip(1).Where(l => l.StartsWith(location + ",", StringComparison.Ordinal))
            .Skip(skip).Where((_, i) => i % step == 0).Take(count).ToList();
        var csv = "precipitation,temp_max,temp_min,wind,weather\n" + string.Join('\n', lines.Select(l => string.Join(',', l.Split(',')[2..]))) + "\n";
        var frame = TabularFrame.ReadCsv(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(csv)));
        var predictions = Model.Predict(frame);
        return Enumerable.Range(0, frame.RowCount).Select(r => new Served(Guid.NewGuid(),
            Features.ToDictionary(f => f, f => (object?)frame[f].Numbers[r]), predictions.Label(r), frame["weather"].Format(r)!)).ToList();
    }
}

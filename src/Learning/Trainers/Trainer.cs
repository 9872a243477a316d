using System.Diagnostics;
using MlOps.Learning.Data;
using MlOps.Learning.Linear;
using MlOps.Learning.Metrics;
using MlOps.Learning.Profiling;
using MlOps.Learning.Transforms;
using MlOps.Learning.Trees;

namespace MlOps.Learning.Trainers;

/// <summary>A trained model with its evaluation (metrics are also stored in the model).</summary>
public sealed record Evaluation(TrainedModel Model, IReadOnlyDictionary<string, double> Metrics, int TrainRows, int TestRows, double TrainSeconds);

/// <summary>Entry point for training: validates the data, fits transforms and the estimator.</summary>
public static class Trainer
{
    public static TrainedModel Train(TabularFrame frame, TrainingSpec spec)
    {
        var family = TrainerRegistry.Find(spec.Trainer);
        var hyper = family.Resolve(spec.Trainer, spec.Parameters);
        if (!family.Tasks(spec.Trainer).Contains(spec.Task))
        {
            var others = TrainerRegistry.Names.Where(t => TrainerRegistry.Find(t).Tasks(t).Contains(spec.Task));
            throw new TrainingDataException($"The {spec.Trainer} trainer is for {string.Join(" or ", family.Tasks(spec.Trainer).Select(t => t.ToString().ToLowerInvariant()))} tasks; for {spec.Task.ToString().ToLowerInvariant()} use {string.Join(", ", others)}.");
        }
        var (yAll, classes) = TargetEncoder.Fit(frame, spec.Target, spec.Task);
        var keep = new List<int>(yAll.Length);
        for (var i = 0; i < yAll.Length; i++) if (!double.IsNaN(yAll[i])) keep.Add(i);
        if (keep.Count == 0) throw new TrainingDataException($"Target column '{spec.Target}' has no values.");
        if (keep.Count < yAll.Length) frame = frame.Take(keep.ToArray());
        var y = keep.Count < yAll.Length ? keep.Select(i => yAll[i]).ToArray() : yAll;

        foreach (var e in spec.Exclude)
            if (!frame.Contains(e)) throw new TrainingDataException($"Excluded column '{e}' is not in the data.");
        var inputs = frame.Columns.Select(c => c.Name).Where(n => n != spec.Target && !spec.Exclude.Contains(n)).ToArray();
        if (inputs.Length == 0) throw new TrainingDataException("There are no feature columns besides the target.");

        var transforms = TransformFitter.Fit(frame, inputs, family.Style(spec.Trainer));
        var x = transforms.EncodeColumnsReadOnly(frame, spec.MaxDegreeOfParallelism);
        var (estimator, importance) = family.Fit(new TrainingInput(spec.Trainer, spec.Task, x, transforms.FeatureNames, y, classes.Length,
            spec.Parameters, spec.Seed, spec.MaxDegreeOfParallelism, spec.Progress));
        var info = new ModelInfo(spec.Task, spec.Trainer, spec.Target, classes, hyper, spec.Seed, frame.RowCount);
        var ranked = new List<FeatureImportance>(importance.Length);
        for (var f = 0; f < importance.Length; f++) ranked.Add(new FeatureImportance(transforms.FeatureNames[f], importance[f]));
        return new TrainedModel(info, transforms, estimator, new Dictionary<string, double>(), ranked,
            ReferenceProfile.Build(frame, inputs, spec.MaxDegreeOfParallelism).WithTarget(TargetColumn(spec, y, classes)));
    }

    /// <summary>The labels (class names) or values the model learned from, for the profile's prediction-drift reference.</summary>
    private static Column TargetColumn(TrainingSpec spec, double[] y, string[] classes)
    {
        if (spec.Task == TaskKind.Regression) return Column.Numeric(spec.Target, ColumnType.Float, y);
        var codes = new int[y.Length];
        for (var i = 0; i < codes.Length; i++) codes[i] = (int)y[i];
        return Column.Categorical(spec.Target, codes, classes);
    }

    /// <summary>
    /// Trains on <paramref name="train"/> and evaluates on <paramref name="test"/>, or when it is null, on a
    /// seeded holdout of <paramref name="train"/> (stratified for classification, or the latest rows by
    /// <paramref name="timeColumn"/>). The returned model carries the test metrics.
    /// </summary>
    public static Evaluation TrainAndEvaluate(TabularFrame train, TabularFrame? test, TrainingSpec spec, double holdout = 0.2, string? timeColumn = null)
    {
        if (test is null)
        {
            var (y, _) = TargetEncoder.Fit(train, spec.Target, spec.Task);
            var (trainRows, testRows) = timeColumn is not null
                ? DataSplits.ByTime(TimeValues(train, timeColumn), holdout)
                : DataSplits.Random(train.RowCount, holdout, spec.Seed, spec.Task == TaskKind.Regression ? default : y);
            test = train.Take(testRows);
            train = train.Take(trainRows);
        }
        var sw = Stopwatch.StartNew();
        var model = Trainer.Train(train, spec);
        var seconds = sw.Elapsed.TotalSeconds;
        var metrics = Evaluate(model, test);
        return new Evaluation(model.WithMetrics(metrics), metrics, train.RowCount, test.RowCount, seconds);
    }

    /// <summary>Metrics of a model on labelled data (rows with a missing or unseen label are skipped).</summary>
    public static IReadOnlyDictionary<string, double> Evaluate(TrainedModel model, TabularFrame data)
    {
        if (!data.TryGetColumn(model.Info.Target, out var col))
            throw new TrainingDataException($"The evaluation data has no target column '{model.Info.Target}'.");
        var classes = model.Info.Classes.ToArray();
        var truth = model.Task == TaskKind.Regression ? col.Numbers.ToArray() : TargetEncoder.Encode(col, classes);
        var keep = new List<int>();
        for (var i = 0; i < truth.Length; i++) if (!double.IsNaN(truth[i])) keep.Add(i);
        if (keep.Count == 0) throw new TrainingDataException("The evaluation data has no labelled rows.");
        if (keep.Count < truth.Length)
        {
            data = data.Take(keep.ToArray());
            truth = keep.Select(i => truth[i]).ToArray();
        }
        var predictions = model.Predict(data);
        return ModelMetrics.Compute(model.Task, truth, predictions.Values, Math.Max(1, classes.Length));
    }

    private static ReadOnlySpan<double> TimeValues(TabularFrame frame, string column)
    {
        if (!frame.TryGetColumn(column, out var col)) throw new TrainingDataException($"Unknown time column '{column}'.");
        if (col.IsCategorical) throw new TrainingDataException($"Time column '{column}' does not hold timestamps or numbers.");
        return col.Numbers;
    }
}

using MlOps.Learning.Data;

namespace MlOps.Learning.Trainers;

/// <summary>Per-fold metrics and their means.</summary>
public sealed record CrossValidationResult(IReadOnlyList<IReadOnlyDictionary<string, double>> Folds, IReadOnlyDictionary<string, double> Mean);

/// <summary>k-fold cross-validation (stratified for classification), seeded by the spec.</summary>
public static class CrossValidation
{
    public static CrossValidationResult Run(TabularFrame frame, TrainingSpec spec, int k = 5)
    {
        var (y, _) = TargetEncoder.Fit(frame, spec.Target, spec.Task);
        var fold = DataSplits.KFold(frame.RowCount, k, spec.Seed, spec.Task == TaskKind.Regression ? default : y);
        var folds = new List<IReadOnlyDictionary<string, double>>(k);
        for (var i = 0; i < k; i++)
        {
            var train = new List<int>();
            var test = new List<int>();
            for (var r = 0; r < fold.Length; r++) (fold[r] == i ? test : train).Add(r);
            var model = Trainer.Train(frame.Take(train.ToArray()), spec);
            folds.Add(Trainer.Evaluate(model, frame.Take(test.ToArray())));
        }
        var mean = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var name in folds[0].Keys) mean[name] = folds.Average(f => f[name]);
        return new CrossValidationResult(folds, mean);
    }
}

using System.Globalization;
using MlOps.Learning.Linear;
using MlOps.Learning.Trees;

namespace MlOps.Learning.Trainers;

/// <summary>Parses and validates hyperparameters by name, and writes the resolved set (defaults included) back.</summary>
public static class Hyperparameters
{
    private static readonly string[] GbdtNames = ["trees", "learningRate", "leaves", "maxBins", "minSamplesLeaf", "l2", "featureFraction", "rowFraction", "earlyStoppingRounds", "validationFraction", "maxDepth"];
    private static readonly string[] LogisticNames = ["l2", "maxIterations"];
    private static readonly string[] LinearNames = ["l2"];

    /// <summary>Hyperparameter names of any registered trainer (own engine or ML.NET).</summary>
    public static IReadOnlyList<string> Names(string trainer) => TrainerRegistry.Find(trainer).HyperparameterNames(trainer);

    internal static IReadOnlyList<string> OwnNames(string trainer) => trainer switch
    {
        TrainerNames.Gbdt => GbdtNames,
        TrainerNames.Logistic => LogisticNames,
        TrainerNames.Linear => LinearNames,
        _ => throw new TrainingDataException($"Unknown trainer '{trainer}'. Use gbdt, logistic or linear."),
    };

    public static GbdtOptions Gbdt(IReadOnlyDictionary<string, string> p)
    {
        Check(TrainerNames.Gbdt, p);
        var d = new GbdtOptions();
        var o = new GbdtOptions
        {
            Trees = Int(p, "trees", d.Trees),
            LearningRate = Real(p, "learningRate", d.LearningRate),
            Leaves = Int(p, "leaves", d.Leaves),
            MaxBins = Int(p, "maxBins", d.MaxBins),
            MinSamplesLeaf = Int(p, "minSamplesLeaf", d.MinSamplesLeaf),
            L2 = Real(p, "l2", d.L2),
            FeatureFraction = Real(p, "featureFraction", d.FeatureFraction),
            RowFraction = Real(p, "rowFraction", d.RowFraction),
            EarlyStoppingRounds = Int(p, "earlyStoppingRounds", d.EarlyStoppingRounds),
            ValidationFraction = Real(p, "validationFraction", d.ValidationFraction),
            MaxDepth = Int(p, "maxDepth", d.MaxDepth),
        };
        try { o.Validate(); }
        catch (ArgumentException e) { throw new TrainingDataException(e.Message); }
        return o;
    }

    public static LogisticOptions Logistic(IReadOnlyDictionary<string, string> p)
    {
        Check(TrainerNames.Logistic, p);
        var d = new LogisticOptions();
        var o = new LogisticOptions { L2 = Real(p, "l2", d.L2), MaxIterations = Int(p, "maxIterations", d.MaxIterations) };
        if (o.L2 < 0) throw new TrainingDataException("l2 must not be negative.");
        if (o.MaxIterations < 1) throw new TrainingDataException("maxIterations must be at least 1.");
        return o;
    }

    public static RidgeOptions Ridge(IReadOnlyDictionary<string, string> p)
    {
        Check(TrainerNames.Linear, p);
        var o = new RidgeOptions { L2 = Real(p, "l2", new RidgeOptions().L2) };
        if (o.L2 < 0) throw new TrainingDataException("l2 must not be negative.");
        return o;
    }

    /// <summary>Every hyperparameter of the trainer with its effective value, in name order (for artifacts and lineage).</summary>
    public static SortedDictionary<string, string> Resolve(string trainer, IReadOnlyDictionary<string, string> p) =>
        new(TrainerRegistry.Find(trainer).Resolve(trainer, p).ToDictionary(), StringComparer.Ordinal);

    internal static SortedDictionary<string, string> ResolveOwn(string trainer, IReadOnlyDictionary<string, string> p)
    {
        var values = trainer switch
        {
            TrainerNames.Gbdt => Gbdt(p) is var g ? new Dictionary<string, object>
            {
                ["trees"] = g.Trees, ["learningRate"] = g.LearningRate, ["leaves"] = g.Leaves, ["maxBins"] = g.MaxBins,
                ["minSamplesLeaf"] = g.MinSamplesLeaf, ["l2"] = g.L2, ["featureFraction"] = g.FeatureFraction,
                ["rowFraction"] = g.RowFraction, ["earlyStoppingRounds"] = g.EarlyStoppingRounds,
                ["validationFraction"] = g.ValidationFraction, ["maxDepth"] = g.MaxDepth,
            } : null!,
            TrainerNames.Logistic => Logistic(p) is var l ? new Dictionary<string, object> { ["l2"] = l.L2, ["maxIterations"] = l.MaxIterations } : null!,
            TrainerNames.Linear => new Dictionary<string, object> { ["l2"] = Ridge(p).L2 },
            _ => throw new TrainingDataException($"Unknown trainer '{trainer}'. Use gbdt, logistic or linear."),
        };
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in values) result[k] = Convert.ToString(v, CultureInfo.InvariantCulture)!;
        return result;
    }

    private static void Check(string trainer, IReadOnlyDictionary<string, string> p)
    {
        var known = OwnNames(trainer);
        foreach (var name in p.Keys)
            if (!known.Contains(name))
                throw new TrainingDataException($"Unknown hyperparameter '{name}' for trainer '{trainer}'. Known: {string.Join(", ", known)}.");
    }

    private static int Int(IReadOnlyDictionary<string, string> p, string name, int fallback)
    {
        if (!p.TryGetValue(name, out var s)) return fallback;
        return int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v
            : throw new TrainingDataException($"Hyperparameter '{name}' must be an integer, got '{s}'.");
    }

    private static double Real(IReadOnlyDictionary<string, string> p, string name, double fallback)
    {
        if (!p.TryGetValue(name, out var s)) return fallback;
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v
            : throw new TrainingDataException($"Hyperparameter '{name}' must be a number, got '{s}'.");
    }
}

using MlOps.Learning.Data;
using MlOps.Learning.Linear;
using MlOps.Learning.Profiling;
using MlOps.Learning.Transforms;
using MlOps.Learning.Trees;

namespace MlOps.Learning.Artifacts;

/// <summary>Serialises each section's content. Little-endian, UTF-8 length-prefixed strings, fixed field order.</summary>
internal static class SectionWriter
{
    public static void Info(BinaryWriter w, ModelInfo info)
    {
        w.Write((byte)info.Task);
        w.Write(info.Trainer);
        w.Write(info.Target);
        w.Write(info.Seed);
        w.Write(info.TrainingRows);
        Strings(w, info.Classes);
        var hyper = info.Hyperparameters.OrderBy(p => p.Key, StringComparer.Ordinal).ToArray();
        w.Write(hyper.Length);
        foreach (var (k, v) in hyper) { w.Write(k); w.Write(v); }
    }

    public static void Transforms(BinaryWriter w, FeatureTransforms t)
    {
        w.Write(t.Inputs.Count);
        foreach (var input in t.Inputs)
        {
            w.Write(input.Column.Name);
            w.Write((byte)input.Column.Type);
            Strings(w, input.Column.Categories ?? []);
            w.Write((byte)input.Kind);
            w.Write(input.FirstFeature);
            w.Write(input.FeatureCount);
        }
        Strings(w, t.FeatureNames);
        foreach (var s in t.Scaling) { w.Write(s.Fill); w.Write(s.Center); w.Write(s.Scale); }
    }

    public static void Estimator(BinaryWriter w, IEstimator estimator)
    {
        switch (estimator)
        {
            case TreeEnsemble trees:
                w.Write((byte)ArtifactFormat.EstimatorKind.TreeEnsemble);
                w.Write(trees.FeatureCount);
                Doubles(w, trees.BaseScores);
                w.Write(trees.Roots.Length);
                foreach (var r in trees.Roots) w.Write(r);
                w.Write(trees.Nodes.Length);
                foreach (var n in trees.Nodes)
                {
                    w.Write(n.Feature);
                    w.Write(n.Threshold);
                    w.Write(n.Left);
                    w.Write(n.Right);
                    w.Write(n.DefaultLeft);
                }
                Doubles(w, trees.Leaves);
                break;
            case LinearModel linear:
                w.Write((byte)ArtifactFormat.EstimatorKind.Linear);
                w.Write(linear.FeatureCount);
                Doubles(w, linear.Intercepts);
                Doubles(w, linear.Weights);
                break;
            case Trainers.IExternalEstimator external:
                w.Write((byte)ArtifactFormat.EstimatorKind.External);
                w.Write(external.FeatureCount);
                w.Write(external.Format);
                w.Write(external.Payload.Length);
                w.Write(external.Payload.Span);
                break;
            default:
                throw new NotSupportedException($"No artifact encoding for {estimator.GetType().Name}.");
        }
    }

    public static void Metrics(BinaryWriter w, IReadOnlyDictionary<string, double> metrics)
    {
        var items = metrics.OrderBy(p => p.Key, StringComparer.Ordinal).ToArray();
        w.Write(items.Length);
        foreach (var (k, v) in items) { w.Write(k); w.Write(v); }
    }

    public static void Importance(BinaryWriter w, IReadOnlyList<FeatureImportance> importance)
    {
        w.Write(importance.Count);
        foreach (var i in importance) { w.Write(i.Feature); w.Write(i.Importance); }
    }

    public static void Profile(BinaryWriter w, ReferenceProfile profile)
    {
        w.Write(profile.Rows);
        w.Write(profile.Features.Count);
        foreach (var f in profile.Features) Feature(w, f);
    }

    /// <summary>
    /// The drift reference added after version 1's Profile section (an optional section, so version 1 readers skip it):
    /// each profiled column's sorted values, then the target's profile when there is one.
    /// </summary>
    public static void DriftReference(BinaryWriter w, ReferenceProfile profile)
    {
        w.Write(profile.Features.Count);
        foreach (var f in profile.Features)
        {
            w.Write(f.Name);
            Doubles(w, f.SortedValues ?? []);
        }
        w.Write(profile.Target is null ? (byte)0 : (byte)1);
        if (profile.Target is { } t)
        {
            Feature(w, t);
            Doubles(w, t.SortedValues ?? []);
        }
    }

    private static void Feature(BinaryWriter w, FeatureProfile f)
    {
        w.Write(f.Name);
        w.Write((byte)f.Type);
        w.Write(f.Count);
        w.Write(f.NullShare);
        w.Write(f.Mean);
        w.Write(f.StdDev);
        Doubles(w, f.Quantiles);
        Doubles(w, f.BinShares);
        Strings(w, f.Categories);
        Doubles(w, f.CategoryShares);
    }

    private static void Strings(BinaryWriter w, IReadOnlyList<string> values)
    {
        w.Write(values.Count);
        foreach (var s in values) w.Write(s);
    }

    private static void Doubles(BinaryWriter w, ReadOnlySpan<double> values)
    {
        w.Write(values.Length);
        foreach (var v in values) w.Write(v);
    }
}

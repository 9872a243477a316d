using MlOps.Learning.Data;
using MlOps.Learning.Linear;
using MlOps.Learning.Profiling;
using MlOps.Learning.Transforms;
using MlOps.Learning.Trees;

namespace MlOps.Learning.Artifacts;

/// <summary>Reads what <see cref="SectionWriter"/> wrote, checking every count and enum before trusting it.</summary>
internal sealed class SectionReader(BinaryReader r, string section)
{
    public ModelInfo Info()
    {
        var task = Enum<TaskKind>(r.ReadByte());
        var trainer = r.ReadString();
        var target = r.ReadString();
        var seed = r.ReadInt32();
        var rows = r.ReadInt64();
        var classes = Strings();
        var count = Count();
        var hyper = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++) hyper[r.ReadString()] = r.ReadString();
        return new ModelInfo(task, trainer, target, classes, hyper, seed, rows);
    }

    public FeatureTransforms Transforms()
    {
        var inputs = new InputEncoding[Count()];
        for (var i = 0; i < inputs.Length; i++)
        {
            var name = r.ReadString();
            var type = Enum<ColumnType>(r.ReadByte());
            var cats = Strings();
            var kind = Enum<EncodingKind>(r.ReadByte());
            inputs[i] = new InputEncoding(new ColumnSchema(name, type, type == ColumnType.Categorical ? cats : null), kind, r.ReadInt32(), r.ReadInt32());
        }
        var names = Strings();
        var scaling = new FeatureScaling[names.Length];
        for (var f = 0; f < scaling.Length; f++) scaling[f] = new FeatureScaling(r.ReadDouble(), r.ReadDouble(), r.ReadDouble());
        foreach (var input in inputs)
            if (input.FirstFeature < 0 || input.FeatureCount < 0 || input.FirstFeature + input.FeatureCount > names.Length)
                Fail($"input '{input.Column.Name}' maps to features outside 0..{names.Length}");
        return new FeatureTransforms(inputs, names, scaling);
    }

    public IEstimator Estimator(ModelInfo info)
    {
        var kind = Enum<ArtifactFormat.EstimatorKind>(r.ReadByte());
        var features = r.ReadInt32();
        if (kind == ArtifactFormat.EstimatorKind.External)
        {
            var format = r.ReadString();
            var payload = r.ReadBytes(Count());
            var outputs = info.Task == TaskKind.Multiclass ? info.Classes.Count : 1;
            return Trainers.TrainerRegistry.ReadEstimator(format, payload, features, info.Task, outputs);
        }
        if (kind == ArtifactFormat.EstimatorKind.Linear)
        {
            var intercepts = Doubles();
            return new LinearModel(features, Doubles(), intercepts);
        }
        var baseScores = Doubles();
        var roots = new int[Count()];
        for (var i = 0; i < roots.Length; i++) roots[i] = r.ReadInt32();
        var nodes = new TreeNode[Count()];
        for (var i = 0; i < nodes.Length; i++)
        {
            var feature = r.ReadInt32();
            var threshold = r.ReadDouble();
            nodes[i] = new TreeNode(threshold, feature, r.ReadInt32(), r.ReadInt32(), r.ReadBoolean());
        }
        return new TreeEnsemble(features, baseScores, roots, nodes, Doubles());
    }

    public IReadOnlyDictionary<string, double> Metrics()
    {
        var result = new SortedDictionary<string, double>(StringComparer.Ordinal);
        var n = Count();
        for (var i = 0; i < n; i++) result[r.ReadString()] = r.ReadDouble();
        return result;
    }

    public IReadOnlyList<FeatureImportance> Importance()
    {
        var result = new FeatureImportance[Count()];
        for (var i = 0; i < result.Length; i++) result[i] = new FeatureImportance(r.ReadString(), r.ReadDouble());
        return result;
    }

    public ReferenceProfile Profile()
    {
        var rows = r.ReadInt64();
        var features = new FeatureProfile[Count()];
        for (var i = 0; i < features.Length; i++) features[i] = Feature();
        return new ReferenceProfile(rows, features);
    }

    /// <summary>Adds the sorted values and the target profile of the optional drift-reference section to <paramref name="profile"/>.</summary>
    public ReferenceProfile DriftReference(ReferenceProfile profile)
    {
        var count = Count();
        if (count != profile.Features.Count) Fail($"{count} columns, the Profile section has {profile.Features.Count}");
        var features = new FeatureProfile[count];
        for (var i = 0; i < count; i++)
        {
            var name = r.ReadString();
            if (name != profile.Features[i].Name) Fail($"column {i} is '{name}', the Profile section's is '{profile.Features[i].Name}'");
            features[i] = profile.Features[i] with { SortedValues = Doubles() };
        }
        FeatureProfile? target = null;
        if (r.ReadByte() == 1) target = Feature() with { SortedValues = Doubles() };
        return new ReferenceProfile(profile.Rows, features, target);
    }

    private FeatureProfile Feature()
    {
        var name = r.ReadString();
        var type = Enum<ColumnType>(r.ReadByte());
        return new FeatureProfile(name, type, r.ReadInt64(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble(),
            Doubles(), Doubles(), Strings(), Doubles());
    }

    private int Count()
    {
        var n = r.ReadInt32();
        // Each element takes at least one byte, so a count beyond what is left is corrupt.
        if (n < 0 || n > r.BaseStream.Length - r.BaseStream.Position) Fail($"count {n} does not fit the remaining bytes");
        return n;
    }

    private string[] Strings()
    {
        var values = new string[Count()];
        for (var i = 0; i < values.Length; i++) values[i] = r.ReadString();
        return values;
    }

    private double[] Doubles()
    {
        var values = new double[Count()];
        for (var i = 0; i < values.Length; i++) values[i] = r.ReadDouble();
        return values;
    }

    private T Enum<T>(byte value) where T : struct, Enum
    {
        var e = (T)(object)value;
        if (!System.Enum.IsDefined(e)) Fail($"unknown {typeof(T).Name} value {value}");
        return e;
    }

    private void Fail(string why) => throw new ModelFormatException($"The model artifact's {section} section is invalid: {why}.");
}

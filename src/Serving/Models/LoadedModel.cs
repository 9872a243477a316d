using System.Text.Json;
using MlOps.Learning;
using MlOps.Learning.Data;

namespace MlOps.Serving.Models;

/// <summary>One input column of a served model, in input-row order.</summary>
public sealed record InputColumn(int Index, string Name, ColumnType Type, JsonEncodedText JsonName)
{
    /// <summary>The type as a caller should send it, for error messages.</summary>
    public string Expected => Type switch
    {
        ColumnType.Float => "a number",
        ColumnType.Integer => "a number (integer)",
        ColumnType.Boolean => "a boolean (true or false)",
        ColumnType.Categorical => "a string (category)",
        ColumnType.Timestamp => "a timestamp (ISO 8601 string, or Unix seconds as a number)",
        _ => Type.ToString().ToLowerInvariant(),
    };
}

/// <summary>A model version loaded from its verified artifact, with what the request path needs precomputed. Immutable.</summary>
public sealed class LoadedModel
{
    public LoadedModel(string model, int version, string artifactHash, TrainedModel trained)
    {
        Model = model;
        Version = version;
        ArtifactHash = artifactHash;
        Trained = trained;
        Inputs = [.. trained.Transforms.Inputs.Select((input, i) => new InputColumn(i, input.Column.Name, input.Column.Type, JsonEncodedText.Encode(input.Column.Name)))];
        Classes = [.. trained.Info.Classes];
        ClassNames = [.. Classes.Select(c => JsonEncodedText.Encode(c))];
        InputList = string.Join(", ", Inputs.Select(c => c.Name));
    }

    public string Model { get; }
    public int Version { get; }
    public string ArtifactHash { get; }
    public TrainedModel Trained { get; }
    public IReadOnlyList<InputColumn> Inputs { get; }
    public string[] Classes { get; }
    public JsonEncodedText[] ClassNames { get; }
    public string InputList { get; }
    public bool IsRegression => Trained.Task == TaskKind.Regression;
    public int OutputCount => Trained.OutputCount;

    /// <summary>The same artifact served as another version (a retrain can reproduce a byte-identical artifact).</summary>
    public LoadedModel As(string model, int version) =>
        model == Model && version == Version ? this : new LoadedModel(model, version, ArtifactHash, Trained);

    /// <summary>The index of the most probable class in one row's outputs.</summary>
    public static int ArgMax(ReadOnlySpan<double> probabilities)
    {
        var best = 0;
        for (var i = 1; i < probabilities.Length; i++)
            if (probabilities[i] > probabilities[best])
                best = i;
        return best;
    }
}

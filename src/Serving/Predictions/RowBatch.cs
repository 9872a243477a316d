using System.Text.Json;
using MlOps.Serving.Models;

namespace MlOps.Serving.Predictions;

/// <summary>
/// A request's rows checked against one model's input schema: the input rows the model takes (row-major, in input
/// order) and, for the prediction log, what the caller sent for each input column.
/// </summary>
public sealed class RowBatch
{
    public RowBatch(LoadedModel model, int count)
    {
        Model = model;
        Count = count;
        var cells = count * model.Inputs.Count;
        Inputs = new double[cells];
        Kinds = new JsonValueKind[cells];
        Texts = new string?[cells];
    }

    public LoadedModel Model { get; }
    public int Count { get; }
    public int Width => Model.Inputs.Count;

    /// <summary>The encoded input rows (numbers as sent, booleans 0/1, timestamps as Unix seconds, category indices, NaN for null).</summary>
    public double[] Inputs { get; }

    /// <summary>What kind of JSON value each cell was sent as; a number's value is in <see cref="Inputs"/>, a string's in <see cref="Texts"/>.</summary>
    public JsonValueKind[] Kinds { get; }

    public string?[] Texts { get; }

    public ReadOnlySpan<double> Row(int row) => Inputs.AsSpan(row * Width, Width);
}

/// <summary>Why a request's row cannot be predicted: its index, the column concerned and what is wrong.</summary>
public sealed record RowProblem(int Row, string Column, string Message);

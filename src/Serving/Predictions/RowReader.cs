using System.Globalization;
using System.Text.Json;
using MlOps.Learning.Data;
using MlOps.Serving.Models;

namespace MlOps.Serving.Predictions;

/// <summary>
/// Checks request rows against a model's input schema and encodes them as the model's input rows. Every input column
/// must be present (null for an unknown value) with a JSON type its column takes; other properties are ignored.
/// </summary>
public static class RowReader
{
    // The timestamp forms the tabular reader accepts, so a row is read as its training data was.
    static readonly string[] DateFormats =
        ["yyyy-MM-dd", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm:ssZ", "yyyy-MM-ddTHH:mm:ss.FFFFFFFK", "yyyy-MM-ddTHH:mm:ssK", "yyyy-MM-dd HH:mm:ssK"];

    /// <returns>The first problem found, or null with <paramref name="batch"/> filled.</returns>
    public static RowProblem? Read(LoadedModel model, JsonElement rows, out RowBatch batch)
    {
        var count = rows.GetArrayLength();
        batch = new RowBatch(model, count);
        var inputs = model.Inputs;
        var transforms = model.Trained.Transforms;
        var r = 0;
        foreach (var row in rows.EnumerateArray())
        {
            if (row.ValueKind != JsonValueKind.Object)
                return new RowProblem(r, "", $"Row {r} must be a JSON object of column values, got {Describe(row.ValueKind)}.");
            var offset = r * inputs.Count;
            for (var i = 0; i < inputs.Count; i++)
            {
                var column = inputs[i];
                if (!row.TryGetProperty(column.Name, out var value))
                    return new RowProblem(r, column.Name,
                        $"Row {r}: column '{column.Name}' is missing. The model takes {model.InputList}; send null for a value that is not known.");
                var kind = value.ValueKind;
                batch.Kinds[offset + i] = kind;
                double x;
                switch (kind)
                {
                    case JsonValueKind.Null:
                        x = double.NaN;
                        break;
                    case JsonValueKind.Number when column.Type is ColumnType.Float or ColumnType.Integer or ColumnType.Timestamp:
                        if (!value.TryGetDouble(out x) || !double.IsFinite(x))
                            return new RowProblem(r, column.Name, $"Row {r}: column '{column.Name}' holds a number out of range.");
                        break;
                    case JsonValueKind.True or JsonValueKind.False when column.Type == ColumnType.Boolean:
                        x = kind == JsonValueKind.True ? 1 : 0;
                        break;
                    case JsonValueKind.String when column.Type == ColumnType.Categorical:
                        var category = value.GetString();
                        batch.Texts[offset + i] = category;
                        // A category never seen in training is missing to the model, as in batch prediction.
                        x = transforms.CategoryIndex(i, category);
                        break;
                    case JsonValueKind.String when column.Type == ColumnType.Timestamp:
                        var text = value.GetString()!;
                        if (!DateTimeOffset.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
                            return new RowProblem(r, column.Name, $"Row {r}: column '{column.Name}' must be {column.Expected}; '{Shorten(text)}' is not a date or time (e.g. 2015-12-31 or 2015-12-31T10:00:00Z).");
                        batch.Texts[offset + i] = text;
                        x = t.ToUnixTimeMilliseconds() / 1000.0;
                        break;
                    default:
                        return new RowProblem(r, column.Name, $"Row {r}: column '{column.Name}' must be {column.Expected} or null, got {Describe(kind)}.");
                }
                batch.Inputs[offset + i] = x;
            }
            r++;
        }
        return null;
    }

    static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.Null => "null",
        _ => kind.ToString().ToLowerInvariant(),
    };

    static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}

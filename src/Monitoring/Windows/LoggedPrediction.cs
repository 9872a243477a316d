using System.Text;
using System.Text.Json;

namespace MlOps.Monitoring.Windows;

/// <summary>One line of a prediction log (docs/prediction-logs.md).</summary>
public sealed record LoggedPrediction(Guid Id, DateTimeOffset At, int Version, JsonElement Inputs, string? Prediction)
{
    /// <summary>Reads an NDJSON prediction log; a line that is not a prediction names its line number.</summary>
    public static List<LoggedPrediction> ReadAll(Stream stream)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var rows = new List<LoggedPrediction>();
        var line = 0;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            try
            {
                using var doc = JsonDocument.Parse(text);
                var root = doc.RootElement;
                var id = root.GetProperty("id").GetGuid();
                var at = root.TryGetProperty("at", out var a) && a.ValueKind == JsonValueKind.String ? a.GetDateTimeOffset() : default;
                var version = root.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : 0;
                var inputs = root.TryGetProperty("inputs", out var i) && i.ValueKind == JsonValueKind.Object ? i.Clone() : default;
                var prediction = root.TryGetProperty("prediction", out var p) ? Text(p) : null;
                rows.Add(new LoggedPrediction(id, at, version, inputs, prediction));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or FormatException or InvalidOperationException)
            {
                throw new InvalidDataException($"Line {line} of the prediction log is not a prediction ({e.Message}).", e);
            }
        }
        return rows;
    }

    /// <summary>A JSON value as text: strings as they are, numbers as written, booleans as true/false, null as null.</summary>
    public static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };
}

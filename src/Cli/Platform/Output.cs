using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlOps.Cli.Platform;

/// <summary>How platform commands print: aligned tables for people, indented JSON (and nothing else) with --json.</summary>
internal static class Output
{
    // Relaxed escaping: the JSON goes to a terminal or a file, never into HTML, so names and messages stay readable.
    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string JsonText(JsonNode? node) => node?.ToJsonString(Indented) ?? "null";

    public static void Json(TextWriter writer, JsonNode? node) => writer.WriteLine(JsonText(node));

    /// <summary>Columns padded to their widest cell; the last column is not padded.</summary>
    public static void Table(TextWriter writer, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = new List<IReadOnlyList<string>> { headers };
        all.AddRange(rows);
        var widths = new int[headers.Count];
        foreach (var row in all)
            for (var i = 0; i < widths.Length && i < row.Count; i++)
                widths[i] = Math.Max(widths[i], row[i].Length);
        var line = new StringBuilder();
        foreach (var row in all)
        {
            line.Clear();
            for (var i = 0; i < widths.Length; i++)
            {
                var cell = i < row.Count ? row[i] : "";
                line.Append(i == widths.Length - 1 ? cell : cell.PadRight(widths[i] + 2));
            }
            writer.WriteLine(line.ToString().TrimEnd());
        }
    }

    /// <summary>A JSON value as a table cell: strings bare, numbers short, null as '-'.</summary>
    public static string Cell(JsonNode? node) => node switch
    {
        null => "-",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<double>(out var d) => Number(d),
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "yes" : "no",
        _ => node.ToJsonString(),
    };

    public static string Number(double d) =>
        d == Math.Floor(d) && Math.Abs(d) < 1e15 ? d.ToString("0", CultureInfo.InvariantCulture) : d.ToString("0.####", CultureInfo.InvariantCulture);

    /// <summary>name=value pairs of a JSON object, e.g. metrics or hyperparameters.</summary>
    public static string Pairs(JsonNode? node) =>
        node is JsonObject o && o.Count > 0 ? string.Join(" ", o.Select(p => $"{p.Key}={Cell(p.Value)}")) : "-";

    /// <summary>A timestamp cell: UTC, to the second.</summary>
    public static string Time(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "Z"
            : Cell(node);

    /// <summary>A content hash shortened for a table: "sha256:" and the first 12 hex digits.</summary>
    public static string Hash(JsonNode? node) => Cell(node) is { Length: > 19 } h && h.StartsWith("sha256:", StringComparison.Ordinal) ? h[..19] : Cell(node);

    public static IEnumerable<JsonNode> Items(JsonNode? node) => node is JsonArray a ? a.Where(n => n is not null).Select(n => n!) : [];
}

using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace MlOps.Cli.Platform;

/// <summary>
/// Rows of a CSV or NDJSON file as JSON objects for Serving's predict body. NDJSON lines pass as they are; a CSV
/// column becomes numbers when every value in it is a number, booleans when every value is true/false, else strings;
/// an empty cell is null.
/// </summary>
public static class JsonRows
{
    public static JsonArray Read(string path)
    {
        if (!File.Exists(path))
            throw new CliException($"Data file '{path}' does not exist.");
        var ext = Path.GetExtension(path).ToLowerInvariant();
        var rows = ext is ".ndjson" or ".jsonl" ? FromNdjson(path) : FromCsv(File.ReadAllText(path), path);
        if (rows.Count == 0)
            throw new CliException($"Data file '{path}' has no rows.");
        return rows;
    }

    static JsonArray FromNdjson(string path)
    {
        var rows = new JsonArray();
        var line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
                continue;
            JsonNode? node;
            try { node = JsonNode.Parse(text); }
            catch (System.Text.Json.JsonException e) { throw new CliException($"Data file '{path}' line {line} is not valid JSON: {e.Message}"); }
            rows.Add(node as JsonObject ?? throw new CliException($"Data file '{path}' line {line} is not a JSON object."));
        }
        return rows;
    }

    public static JsonArray FromCsv(string csv, string source)
    {
        var records = Records(csv, source).ToList();
        if (records.Count == 0)
            throw new CliException($"Data file '{source}' is empty.");
        var header = records[0];
        var body = records.Skip(1).ToList();
        for (var r = 0; r < body.Count; r++)
            if (body[r].Count != header.Count)
                throw new CliException($"Data file '{source}' row {r + 1} has {body[r].Count} values but the header names {header.Count} columns.");
        var kinds = new Kind[header.Count];
        for (var c = 0; c < header.Count; c++)
            kinds[c] = KindOf(body.Select(row => row[c]));
        var rows = new JsonArray();
        foreach (var row in body)
        {
            var obj = new JsonObject();
            for (var c = 0; c < header.Count; c++)
                obj[header[c]] = Value(row[c], kinds[c]);
            rows.Add(obj);
        }
        return rows;
    }

    enum Kind { Number, Boolean, Text }

    static Kind KindOf(IEnumerable<string> values)
    {
        bool number = true, boolean = true;
        foreach (var v in values)
        {
            if (v.Length == 0)
                continue;
            number &= double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d);
            boolean &= bool.TryParse(v, out _);
            if (!number && !boolean)
                return Kind.Text;
        }
        return number ? Kind.Number : boolean ? Kind.Boolean : Kind.Text;
    }

    static JsonNode? Value(string text, Kind kind) => text.Length == 0 ? null : kind switch
    {
        Kind.Number => JsonValue.Create(double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture)),
        Kind.Boolean => JsonValue.Create(bool.Parse(text)),
        _ => JsonValue.Create(text),
    };

    /// <summary>RFC 4180 records: quoted fields, doubled quotes, delimiters and newlines inside quotes.</summary>
    static IEnumerable<List<string>> Records(string csv, string source)
    {
        var field = new StringBuilder();
        var record = new List<string>();
        var quoted = false;
        var any = false;
        for (var i = 0; i < csv.Length; i++)
        {
            var ch = csv[i];
            if (quoted)
            {
                if (ch != '"') field.Append(ch);
                else if (i + 1 < csv.Length && csv[i + 1] == '"') { field.Append('"'); i++; }
                else quoted = false;
                continue;
            }
            switch (ch)
            {
                case '"' when field.Length == 0: quoted = true; any = true; break;
                case ',': record.Add(field.ToString()); field.Clear(); any = true; break;
                case '\r': break;
                case '\n':
                    if (any || field.Length > 0)
                    {
                        record.Add(field.ToString());
                        yield return record;
                        record = [];
                    }
                    field.Clear();
                    any = false;
                    break;
                default: field.Append(ch); any = true; break;
            }
        }
        if (quoted)
            throw new CliException($"Data file '{source}' ends inside a quoted field.");
        if (any || field.Length > 0)
        {
            record.Add(field.ToString());
            yield return record;
        }
    }
}

using System.Text;
using System.Text.Json;

namespace MlOps.Tabular;

/// <summary>Sees every row of a scan as it streams past, so further statistics need no second pass.</summary>
public interface ITabularVisitor
{
    /// <summary>A column seen for the first time: CSV columns come from the header; an NDJSON key may first appear after <paramref name="precedingRows"/> rows, which lacked it.</summary>
    void OnColumn(int index, string name, long precedingRows);

    /// <summary>One well-formed row; <c>values[i]</c> is the text of column i (<c>""</c> when missing or JSON null).</summary>
    void OnRow(IReadOnlyList<string> values, long line);
}

/// <summary>
/// Reads a CSV or NDJSON batch once, in constant memory: infers column types, counts rows and nulls, and collects
/// row-level problems (ragged rows, mixed JSON types) as anomalies with their line numbers. Input that cannot be read at
/// all (unbalanced quote, invalid UTF-8, no header) throws <see cref="TabularFormatException"/>.
/// </summary>
public static partial class TabularScanner
{
    internal static readonly Encoding StrictUtf8 = MarkingUtf8();

    static Encoding MarkingUtf8()
    {
        var utf8 = (Encoding)new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).Clone();
        utf8.DecoderFallback = new DecoderReplacementFallback(CsvRecordReader.InvalidUtf8Marker.ToString());
        return utf8;
    }

    public static TabularScan Scan(Stream content, string format, TabularLimits limits, ITabularVisitor? visitor = null) => format switch
    {
        TabularFormats.Csv when visitor is null or ITabularPartitionedVisitor => ScanCsvUtf8(content, limits, visitor as ITabularPartitionedVisitor),
        TabularFormats.Csv => ScanCsv(content, limits, visitor),
        TabularFormats.Ndjson => ScanNdjson(content, limits, visitor),
        _ => throw new ArgumentException($"Unknown batch format '{format}' (expected csv or ndjson)", nameof(format)),
    };

    internal static TabularScan ScanCsv(Stream content, TabularLimits limits, ITabularVisitor? visitor)
    {
        using var text = TextOpening.Open(content);
        var reader = new CsvRecordReader(text, limits.MaxFieldLength);
        var fields = new List<string>();
        if (!reader.TryRead(fields) || fields is [""])
            throw new TabularFormatException("the batch is empty: expected a header row naming the columns", 1);
        var columns = Header(fields, limits);
        for (var i = 0; i < columns.Length; i++)
            visitor?.OnColumn(i, columns[i].Name, 0);
        var problems = new ProblemLog(limits.MaxReportedProblems);
        long rows = 0;

        while (reader.TryRead(fields))
        {
            if (fields is [""])
                continue; // blank line
            if (fields.Count != columns.Length)
            {
                problems.Add(new TabularProblem("ragged_row", null,
                    $"row has {fields.Count} fields, the header has {columns.Length}", reader.RecordLine));
                continue;
            }
            rows++;
            for (var i = 0; i < columns.Length; i++)
                columns[i].Observe(fields[i]);
            visitor?.OnRow(fields, reader.RecordLine);
        }

        if (rows == 0 && problems.Count == 0)
            problems.Add(new TabularProblem("no_rows", null, "the batch has a header but no data rows", 2));
        return Result(columns, rows, problems);
    }

    const string NulInName = "a column name holds the character U+0000 (NUL), which no column name may hold";

    internal static ColumnTypeInference[] Header(List<string> fields, TabularLimits limits)
    {
        if (fields.Count > limits.MaxColumns)
            throw new TabularFormatException($"the header has {fields.Count} columns, more than the limit of {limits.MaxColumns}", 1);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < fields.Count; i++)
        {
            if (fields[i].Length == 0)
                throw new TabularFormatException("a column has an empty name in the header", 1, i + 1);
            // Column names are kept in PostgreSQL (jsonb), which cannot hold U+0000.
            if (fields[i].Contains('\0'))
                throw new TabularFormatException(NulInName, 1, i + 1);
            if (!seen.Add(fields[i]))
                throw new TabularFormatException($"the column name '{fields[i]}' appears twice in the header", 1, i + 1);
        }
        return fields.Select(f => new ColumnTypeInference(f)).ToArray();
    }

    static TabularScan ScanNdjson(Stream content, TabularLimits limits, ITabularVisitor? visitor)
    {
        using var text = TextOpening.Open(content);
        var columns = new List<ColumnTypeInference>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var kinds = new List<JsonValueKind>();
        var lastRow = new List<long>(); // the last row each key was seen in, to find a key given twice
        var values = new List<string>();
        var problems = new ProblemLog(limits.MaxReportedProblems);
        long rows = 0, line = 0;
        string? raw;

        while ((raw = ReadLine(text, line + 1)) is not null)
        {
            line++;
            if (string.IsNullOrWhiteSpace(raw))
                continue;
            if (raw.Length > limits.MaxFieldLength)
                throw new TabularFormatException($"a line is longer than the limit of {limits.MaxFieldLength} characters", line);
            if (raw.Contains("\\u", StringComparison.Ordinal) && JsonEscapes.FindInvalidSurrogate(Encoding.UTF8.GetBytes(raw)) is { } at)
            {
                problems.Add(new TabularProblem("malformed_json", null, $"a string or key escapes half of a UTF-16 surrogate pair (at character {at + 1})", line));
                continue;
            }
            JsonDocument doc;
            try { doc = JsonDocument.Parse(raw); }
            catch (JsonException ex)
            {
                problems.Add(new TabularProblem("malformed_json", null, $"not a JSON object: {ex.Message}", line));
                continue;
            }
            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    problems.Add(new TabularProblem("malformed_json", null, $"expected a JSON object, found {doc.RootElement.ValueKind}", line));
                    continue;
                }
                rows++;
                for (var v = 0; v < values.Count; v++)
                    values[v] = "";
                var position = 0;
                foreach (var property in doc.RootElement.EnumerateObject())
                {
                    position++;
                    // The same rule as a CSV header: every column has a name, and no name appears twice in a row.
                    if (property.Name.Length == 0)
                        throw new TabularFormatException("a key is empty: every column needs a name", line, position);
                    if (property.Name.Contains('\0'))
                        throw new TabularFormatException(NulInName, line, position);
                    if (index.TryGetValue(property.Name, out var i))
                    {
                        if (lastRow[i] == rows)
                            throw new TabularFormatException($"the key '{property.Name}' appears twice in one object", line, position);
                    }
                    else
                    {
                        if (columns.Count >= limits.MaxColumns)
                            throw new TabularFormatException($"more than the limit of {limits.MaxColumns} distinct keys", line);
                        i = columns.Count;
                        index[property.Name] = i;
                        var column = new ColumnTypeInference(property.Name);
                        // Rows before this key appeared lacked it: they count as nulls.
                        for (long r = 1; r < rows; r++)
                            column.Observe("");
                        columns.Add(column);
                        kinds.Add(JsonValueKind.Undefined);
                        lastRow.Add(0);
                        values.Add("");
                        visitor?.OnColumn(i, property.Name, rows - 1);
                    }
                    lastRow[i] = rows;
                    var value = property.Value;
                    var kind = value.ValueKind is JsonValueKind.True or JsonValueKind.False ? JsonValueKind.True : value.ValueKind;
                    if (kind != JsonValueKind.Null)
                    {
                        if (kinds[i] == JsonValueKind.Undefined)
                            kinds[i] = kind;
                        else if (kinds[i] != kind)
                            problems.Add(new TabularProblem("mixed_types", property.Name,
                                $"value is a JSON {Describe(kind)} where earlier rows have a {Describe(kinds[i])}", line));
                    }
                    var valueText = kind switch
                    {
                        JsonValueKind.Null => "",
                        JsonValueKind.String => value.GetString() ?? "",
                        _ => value.GetRawText(),
                    };
                    values[i] = valueText;
                    columns[i].Observe(valueText);
                }
                foreach (var column in columns)
                    if (column.Count < rows)
                        column.Observe("");
                visitor?.OnRow(values, line);
            }
        }

        if (rows == 0 && problems.Count == 0)
            throw new TabularFormatException("the batch is empty: expected one JSON object per line", 1);
        return Result(columns.ToArray(), rows, problems);
    }

    static string? ReadLine(TextReader text, long line)
    {
        var raw = text.ReadLine();
        if (line == 1 && raw is not null && raw.StartsWith('\uFEFF'))
            raw = raw[1..];
        if (raw is not null && raw.Contains(CsvRecordReader.InvalidUtf8Marker))
            throw new TabularFormatException("the input is not valid UTF-8", line);
        return raw;
    }

    static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.True => "boolean",
        JsonValueKind.Number => "number",
        JsonValueKind.String => "string",
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        _ => kind.ToString().ToLowerInvariant(),
    };

    internal static TabularScan Result(ColumnTypeInference[] columns, long rows, ProblemLog problems) =>
        new(columns.Select(c => new ScannedColumn(c.Name, c.Type, c.Nulls)).ToList(), rows, problems.Items, problems.Count, columns.Select(c => c.Summary()).ToList());

    internal sealed class ProblemLog(int max)
    {
        public List<TabularProblem> Items { get; } = [];
        public long Count { get; private set; }

        /// <summary>Problems counted elsewhere and not kept (beyond another log's limit).</summary>
        public void AddUncounted(long count) => Count += count;

        public void Add(TabularProblem anomaly)
        {
            Count++;
            if (Items.Count < max)
                Items.Add(anomaly);
        }
    }
}

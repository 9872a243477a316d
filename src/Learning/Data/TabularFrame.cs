using System.Text;
using System.Text.Json;

namespace MlOps.Learning.Data;

/// <summary>An immutable set of equally long, typed, named columns.</summary>
public sealed class TabularFrame
{
    private readonly Column[] _columns;
    private readonly Dictionary<string, int> _index;

    public TabularFrame(IEnumerable<Column> columns)
    {
        _columns = [.. columns];
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < _columns.Length; i++)
        {
            if (!_index.TryAdd(_columns[i].Name, i)) throw new ArgumentException($"Duplicate column name '{_columns[i].Name}'.");
            if (_columns[i].Length != _columns[0].Length)
                throw new ArgumentException($"Column '{_columns[i].Name}' has {_columns[i].Length} rows, expected {_columns[0].Length}.");
        }
        RowCount = _columns.Length == 0 ? 0 : _columns[0].Length;
    }

    public int RowCount { get; }
    public IReadOnlyList<Column> Columns => _columns;
    public IEnumerable<ColumnSchema> Schema => _columns.Select(c => c.Schema);

    public Column this[string name] => TryGetColumn(name, out var c) ? c : throw new KeyNotFoundException($"Unknown column '{name}'. Columns: {string.Join(", ", _index.Keys)}.");

    public bool TryGetColumn(string name, out Column column)
    {
        if (_index.TryGetValue(name, out var i)) { column = _columns[i]; return true; }
        column = null!;
        return false;
    }

    public bool Contains(string name) => _index.ContainsKey(name);

    /// <summary>The rows at the given indices, in that order.</summary>
    public TabularFrame Take(ReadOnlySpan<int> rows)
    {
        var cols = new Column[_columns.Length];
        for (var i = 0; i < cols.Length; i++) cols[i] = _columns[i].Take(rows);
        return new TabularFrame(cols);
    }

    public TabularFrame Without(params string[] names) => new(_columns.Where(c => !names.Contains(c.Name)));

    /// <summary>Reads delimited text with a header row, inferring column types (see <see cref="CsvReadOptions"/>).</summary>
    public static TabularFrame ReadCsv(Stream stream, CsvReadOptions? options = null)
    {
        options ??= CsvReadOptions.Default;
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        using var records = CsvText.ReadRecords(reader, options.Delimiter).GetEnumerator();
        if (!records.MoveNext()) throw new InvalidDataException("The data is empty: no header row.");
        var header = records.Current.Select(h => h.Trim()).ToArray();
        if (header.Any(string.IsNullOrEmpty)) throw new InvalidDataException("The header has an empty column name.");
        var dup = header.GroupBy(h => h).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new InvalidDataException($"The header names column '{dup.Key}' twice.");
        var raw = header.Select(_ => new List<string?>()).ToArray();
        var line = 1;
        var nulls = new HashSet<string>(options.NullTokens, StringComparer.OrdinalIgnoreCase);
        while (records.MoveNext())
        {
            line++;
            var rec = records.Current;
            if (rec.Count != header.Length)
                throw new InvalidDataException($"Record {line} has {rec.Count} fields, the header has {header.Length}.");
            for (var c = 0; c < header.Length; c++)
            {
                var s = rec[c].Trim();
                raw[c].Add(s.Length == 0 || nulls.Contains(s) ? null : s);
            }
        }
        return Build(header, raw, options);
    }

    /// <summary>Reads newline-delimited JSON objects; the columns are the union of keys in first-seen order.</summary>
    public static TabularFrame ReadNdjson(Stream stream, CsvReadOptions? options = null)
    {
        options ??= CsvReadOptions.Default;
        using var reader = new StreamReader(stream, Encoding.UTF8, true, leaveOpen: true);
        var names = new List<string>();
        var raw = new List<List<string?>>();
        var rows = 0;
        string? text;
        while ((text = reader.ReadLine()) is not null)
        {
            if (string.IsNullOrWhiteSpace(text)) continue;
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"NDJSON row {rows + 1} is not a JSON object.");
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                var c = names.IndexOf(p.Name);
                if (c < 0)
                {
                    names.Add(p.Name);
                    raw.Add([.. Enumerable.Repeat<string?>(null, rows)]);
                    c = names.Count - 1;
                }
                while (raw[c].Count < rows) raw[c].Add(null);
                raw[c].Add(p.Value.ValueKind switch
                {
                    JsonValueKind.Null or JsonValueKind.Undefined => null,
                    JsonValueKind.String => p.Value.GetString(),
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    _ => p.Value.GetRawText(),
                });
            }
            rows++;
            foreach (var col in raw) while (col.Count < rows) col.Add(null);
        }
        if (names.Count == 0) throw new InvalidDataException("The data is empty: no JSON rows.");
        return Build([.. names], [.. raw], options);
    }

    private static TabularFrame Build(string[] header, List<string?>[] raw, CsvReadOptions options)
    {
        var cols = new Column[header.Length];
        for (var c = 0; c < header.Length; c++)
        {
            ColumnType? forced = options.ColumnTypes is not null && options.ColumnTypes.TryGetValue(header[c], out var t) ? t : null;
            cols[c] = TypeInference.Build(header[c], raw[c], forced);
        }
        return new TabularFrame(cols);
    }
}

using MlOps.Tabular;

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

    /// <summary>Reads CSV with a header row by the tabular library's rules (types, missing values), straight into typed columns.</summary>
    public static TabularFrame ReadCsv(Stream stream, CsvReadOptions? options = null) =>
        Read(() => TableReader.Read(stream, TabularFormats.Csv, TableOptions(options)));

    /// <summary>Reads newline-delimited JSON objects; the columns are the union of keys in first-seen order.</summary>
    public static TabularFrame ReadNdjson(Stream stream, CsvReadOptions? options = null) =>
        Read(() => TableReader.Read(stream, TabularFormats.Ndjson, TableOptions(options)));

    /// <summary>A frame over the typed columns the tabular library read: the arrays are taken as they are, not copied.</summary>
    public static TabularFrame FromTable(TypedTable table)
    {
        var columns = new Column[table.Columns.Count];
        for (var c = 0; c < columns.Length; c++)
        {
            var t = table.Columns[c];
            ColumnTypeNames.TryParse(t.Type, out var type);
            columns[c] = t.Numbers is { } numbers ? Column.Numeric(t.Name, type, numbers) : Column.Categorical(t.Name, t.Codes!, t.Categories);
        }
        return new TabularFrame(columns);
    }

    /// <summary>The options as the tabular library takes them.</summary>
    public static TableReadOptions TableOptions(CsvReadOptions? options) =>
        options?.ColumnTypes is { } types
            ? new TableReadOptions { ColumnTypes = types.ToDictionary(p => p.Key, p => ColumnTypeNames.Name(p.Value), StringComparer.Ordinal) }
            : TableReadOptions.Default;

    static TabularFrame Read(Func<TypedTable> read)
    {
        TypedTable table;
        try { table = read(); }
        catch (TabularFormatException e) { throw new InvalidDataException(e.Message, e); }
        return FromTable(table);
    }
}

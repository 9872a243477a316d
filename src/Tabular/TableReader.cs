using System.Globalization;

namespace MlOps.Tabular;

/// <summary>How to read a batch into typed columns.</summary>
public sealed record TableReadOptions
{
    /// <summary>
    /// Types to force for named columns, by <see cref="ColumnTypes"/> name (a model's input schema at prediction time, so
    /// a string column whose values look numeric stays string). Others are inferred exactly as the data plane infers them.
    /// </summary>
    public IReadOnlyDictionary<string, string>? ColumnTypes { get; init; }

    public TabularLimits Limits { get; init; } = new(MaxColumns: 100_000, MaxFieldLength: 1 << 24);

    /// <summary>
    /// The batch's row count when the caller knows it (a dataset version records each batch's rows): the columns are
    /// then allocated once at their final length. Without it a CSV batch is first counted (its line breaks, a quick
    /// pass over the bytes), so values are never copied from a grown array into an exact one.
    /// </summary>
    public long? ExpectedRows { get; init; }

    public static TableReadOptions Default { get; } = new();
}

/// <summary>
/// Reads a CSV or NDJSON batch into typed columns by the data plane's rules (the scan of <see cref="TabularScanner"/>
/// decides every type and null), straight from UTF-8 bytes on every core. A batch that cannot be read, or has a row the
/// data plane would reject it for (ragged, not a JSON object, mixed JSON types), throws <see cref="TabularFormatException"/>.
/// </summary>
public static class TableReader
{
    /// <summary>Reads the batch <paramref name="open"/> returns; it may be opened twice, when a column's first values are numbers and later ones text.</summary>
    public static TypedTable Read(Func<Stream> open, string format, TableReadOptions? options = null)
    {
        options ??= TableReadOptions.Default;
        var forced = Normalised(options.ColumnTypes);
        bool StartAsText(string name) => forced.TryGetValue(name, out var t) && !ColumnTypes.IsNumeric(t);
        HashSet<string>? textColumns = null;
        var capacity = (int)Math.Min(Array.MaxLength, options.ExpectedRows ?? (format == TabularFormats.Csv ? CountRecords(open) : 0));
        while (true)
        {
            var known = textColumns;
            var builder = new TableBuilder(name => StartAsText(name) || known?.Contains(name) == true, capacity);
            TabularScan scan;
            using (var stream = open())
            {
                scan = format switch
                {
                    TabularFormats.Csv => TabularScanner.ScanCsvUtf8(stream, options.Limits, builder, countDistinct: false),
                    TabularFormats.Ndjson => TabularScanner.Scan(stream, TabularFormats.Ndjson, options.Limits, builder),
                    _ => throw new ArgumentException($"Unknown format '{format}' (expected csv or ndjson)", nameof(format)),
                };
            }
            if (scan.Problems.FirstOrDefault(p => p.Kind != "no_rows") is { } problem)
                throw new TabularFormatException(problem.Description, problem.Line);
            if (builder.NeedsSecondPass && textColumns is null)
            {
                textColumns = [.. scan.Columns.Where(c => !ColumnTypes.IsNumeric(c.Type)).Select(c => c.Name)];
                continue;
            }
            if (builder.NeedsSecondPass)
                throw new InvalidOperationException("The second pass over the batch could not join its stretches.");
            builder.FinishSequential([.. scan.Columns.Select(c => c.Type)]);
            return Build(builder, scan, forced);
        }
    }

    /// <summary>Reads a stream: from its current position again if it can seek, else from a copy in memory.</summary>
    public static TypedTable Read(Stream stream, string format, TableReadOptions? options = null)
    {
        if (!stream.CanSeek)
        {
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            stream = copy;
        }
        var start = stream.Position;
        return Read(() =>
        {
            stream.Position = start;
            return new NonClosing(stream);
        }, format, options);
    }

    /// <summary>
    /// An upper bound on the records of a CSV batch after its header: its lines (ended by LF, CRLF or CR alone, the last
    /// one perhaps unended) less one. Exact for a file without blank lines or line breaks inside quoted fields.
    /// </summary>
    static long CountRecords(Func<Stream> open)
    {
        using var stream = open();
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            long lf = 0, cr = 0;
            byte last = (byte)'\n';
            int n;
            while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                var span = buffer.AsSpan(0, n);
                lf += span.Count((byte)'\n');
                cr += span.Count((byte)'\r');
                last = span[^1];
            }
            var lines = Math.Max(lf, cr) + (last is (byte)'\n' or (byte)'\r' ? 0 : 1);
            return Math.Max(0, lines - 1);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>NDJSON when the first character that is not a byte order mark or white space opens an object, else CSV.</summary>
    public static string DetectFormat(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("\uFEFF"u8))
            head = head[3..];
        foreach (var b in head)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
                continue;
            return b == '{' ? TabularFormats.Ndjson : TabularFormats.Csv;
        }
        return TabularFormats.Csv;
    }

    static Dictionary<string, string> Normalised(IReadOnlyDictionary<string, string>? types)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (types is null)
            return result;
        foreach (var (name, type) in types)
            result[name] = TypeName(type);
        return result;
    }

    /// <summary>The type name for one of <see cref="ColumnTypes"/>; <c>categorical</c> (the learning engine's word) is string.</summary>
    public static string TypeName(string type)
    {
        var lower = type.ToLowerInvariant();
        if (lower == "categorical")
            return ColumnTypes.String;
        return ColumnTypes.All.Contains(lower) ? lower : throw new ArgumentException($"Unknown column type '{type}' (expected {string.Join(", ", ColumnTypes.All)})");
    }

    static TypedTable Build(TableBuilder builder, TabularScan scan, Dictionary<string, string> forced)
    {
        var columns = new TypedColumn[scan.Columns.Count];
        long rows = scan.Columns.Count == 0 ? 0 : builder.Columns[0].Rows;
        if (rows > Array.MaxLength)
            throw new TabularFormatException($"the batch has {rows} rows, more than one table holds", 1);
        for (var c = 0; c < columns.Length; c++)
        {
            var info = scan.Columns[c];
            var state = builder.Columns[c];
            var type = forced.TryGetValue(info.Name, out var t) ? t : info.Type;
            columns[c] = state.Text ? FromText(state, type, info) : FromNumbers(state, type, info);
        }
        return new TypedTable(columns, (int)rows);
    }

    static TypedColumn FromNumbers(TableBuilder.ColumnState state, string type, ScannedColumn info)
    {
        var values = state.Exact(state.Numbers);
        switch (type)
        {
            case ColumnTypes.Integer when info.Type == ColumnTypes.Float:
                var at = Array.FindIndex(values, v => !double.IsNaN(v) && (v != Math.Floor(v) || double.IsInfinity(v)));
                throw new TabularFormatException($"column '{info.Name}': {values[Math.Max(at, 0)].ToString("R", CultureInfo.InvariantCulture)} is not a valid integer value", at + 2);
            case ColumnTypes.String:
                // No value at all (a column of missing values): codes, every one missing.
                var codes = new int[values.Length];
                codes.AsSpan().Fill(-1);
                return new TypedColumn(info.Name, type, null, codes, [], info.Nulls);
            default:
                return new TypedColumn(info.Name, type, values, null, null, info.Nulls);
        }
    }

    static TypedColumn FromText(TableBuilder.ColumnState state, string type, ScannedColumn info)
    {
        var codes = state.Exact(state.Codes);
        var categories = new string[state.Categories.Count];
        for (var i = 0; i < categories.Length; i++)
            categories[i] = state.Categories.StringAt(i);
        if (type == ColumnTypes.String)
            return new TypedColumn(info.Name, type, null, codes, categories, info.Nulls);
        var byCode = new double[categories.Length];
        for (var i = 0; i < categories.Length; i++)
        {
            if (!TryParse(categories[i], type, out byCode[i]))
            {
                var row = Array.IndexOf(codes, i);
                throw new TabularFormatException($"column '{info.Name}': '{categories[i]}' is not a valid {type} value", row + 2);
            }
        }
        var values = new double[codes.Length];
        for (var r = 0; r < codes.Length; r++)
            values[r] = codes[r] < 0 ? double.NaN : byCode[codes[r]];
        return new TypedColumn(info.Name, type, values, null, null, info.Nulls);
    }

    /// <summary>A present value as the type stores it: numbers as they are, booleans 1/0, timestamps as Unix seconds (UTC).</summary>
    public static bool TryParse(ReadOnlySpan<char> text, string type, out double value)
    {
        value = double.NaN;
        switch (type)
        {
            case ColumnTypes.Integer:
                return Utf8Number.TryParse(text, out value, out var isInteger) && isInteger;
            case ColumnTypes.Float:
                return Utf8Number.TryParse(text, out value, out _, needInteger: false);
            case ColumnTypes.Boolean:
                if (text.Equals("true", StringComparison.OrdinalIgnoreCase)) { value = 1; return true; }
                if (text.Equals("false", StringComparison.OrdinalIgnoreCase)) { value = 0; return true; }
                return false;
            case ColumnTypes.Timestamp:
                if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
                    return false;
                value = time.ToUnixTimeMilliseconds() / 1000.0;
                return true;
            default:
                return false;
        }
    }

    sealed class NonClosing(Stream inner) : ForwardOnlyStream
    {
        public override int Read(Span<byte> buffer) => inner.Read(buffer);
    }
}

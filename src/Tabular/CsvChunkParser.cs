using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;

namespace MlOps.Tabular;

/// <summary>What reading one stretch of a CSV batch found, with lines counted from 1 at the stretch's first byte.</summary>
internal sealed class CsvChunkResult(ColumnTypeInference[] columns, ITabularPartVisitor? part, int maxProblems)
{
    public ColumnTypeInference[] Columns { get; } = columns;
    public ITabularPartVisitor? Part { get; } = part;
    public TabularScanner.ProblemLog Problems { get; } = new(maxProblems);
    public long Rows { get; set; }
    /// <summary>Line breaks the stretch holds: the next stretch starts this many lines further.</summary>
    public long Lines { get; set; }
    public TabularFormatException? Error { get; set; }
}

/// <summary>
/// Reads one stretch of a CSV batch that starts at a record boundary. Plain records (unquoted fields, or quoted ones
/// without doubled quotes) are split on the UTF-8 bytes in place; a stretch with anything else — doubled quotes,
/// malformed quoting, over-long fields, bytes that are not UTF-8 — is read by <see cref="CsvRecordReader"/> instead,
/// so its records, errors and their positions are exactly the reference reader's.
/// </summary>
internal sealed class CsvChunkParser(int columnCount, int maxFieldLength)
{
    static readonly byte[] InvalidMarkerUtf8 = Encoding.UTF8.GetBytes(CsvRecordReader.InvalidUtf8Marker.ToString());
    static readonly System.Buffers.SearchValues<byte> FieldEnd = System.Buffers.SearchValues.Create(",\r\n\""u8);

    readonly RowBuffers _buffers = new(columnCount);
    int[] _bounds = new int[2 * (columnCount + 1)];
    byte[] _scratch = new byte[4096];

    public void Parse(ReadOnlySpan<byte> data, CsvChunkResult result, bool[] trackDistinct)
    {
        try
        {
            // What the plain path read stays: the reader takes over at the start of the record it stopped at.
            var (stop, line) = Utf8.IsValid(data) && data.IndexOf(InvalidMarkerUtf8) < 0 ? ParsePlain(data, result, trackDistinct) : (0, 1);
            if (stop >= 0)
                ParseWithReader(data[stop..], line - 1, result, trackDistinct);
        }
        catch (TabularFormatException ex)
        {
            result.Error = ex;
        }
    }

    /// <summary>Reads plain records; returns where and on which line it stopped at one that is not plain, or -1 at the end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot: once per value, straight to optimised code
    (int Stop, long Line) ParsePlain(ReadOnlySpan<byte> data, CsvChunkResult result, bool[] trackDistinct)
    {
        long line = 1;
        var pos = 0;
        while (pos < data.Length)
        {
            var recordLine = line;
            var recordStart = pos;
            var fields = 0;
            var canonical = true;
            while (true)
            {
                int start, end, next;
                if (data[pos] == '"')
                {
                    var close = data[(pos + 1)..].IndexOf((byte)'"');
                    if (close < 0)
                        return (recordStart, recordLine);
                    start = pos + 1;
                    end = start + close;
                    next = end + 1;
                    if (next < data.Length && data[next] is not ((byte)',' or (byte)'\r' or (byte)'\n'))
                        return (recordStart, recordLine); // a doubled quote, or text after the closing quote
                    line += data[start..end].Count((byte)'\n');
                    canonical = false;
                }
                else
                {
                    var stop = data[pos..].IndexOfAny(FieldEnd);
                    end = stop < 0 ? data.Length : pos + stop;
                    if (end < data.Length && data[end] == '"')
                        return (recordStart, recordLine);
                    start = pos;
                    next = end;
                }
                if (end - start > maxFieldLength)
                    return (recordStart, recordLine);
                if (fields <= columnCount)
                {
                    _bounds[2 * fields] = start;
                    _bounds[2 * fields + 1] = end;
                }
                fields++;
                if (next >= data.Length)
                {
                    pos = data.Length;
                    break;
                }
                var separator = data[next];
                pos = next + 1;
                if (separator == ',')
                {
                    if (pos == data.Length)
                    {
                        // A trailing comma at the very end: one more, empty field.
                        _bounds[2 * Math.Min(fields, columnCount)] = _bounds[2 * Math.Min(fields, columnCount) + 1] = pos;
                        fields++;
                        break;
                    }
                    continue;
                }
                if (separator == '\r' && pos < data.Length && data[pos] == '\n')
                    pos++;
                line++;
                break;
            }
            Record(data, fields, canonical, recordLine, result, trackDistinct);
        }
        result.Lines = line - 1;
        return (-1, line);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot: once per value, straight to optimised code
    void Record(ReadOnlySpan<byte> text, int fields, bool canonical, long line, CsvChunkResult result, bool[] trackDistinct)
    {
        if (fields == 1 && _bounds[0] == _bounds[1])
            return; // blank line
        if (fields != columnCount)
        {
            result.Problems.Add(new TabularProblem("ragged_row", null,
                $"row has {fields} fields, the header has {columnCount}", line));
            return;
        }
        result.Rows++;
        var row = new TabularRow(text, _bounds.AsSpan(0, 2 * fields), _buffers, canonical);
        for (var i = 0; i < fields; i++)
            result.Columns[i].Observe(ref row, i, trackDistinct[i]);
        result.Part?.OnRow(ref row);
    }

    void ParseWithReader(ReadOnlySpan<byte> data, long linesBefore, CsvChunkResult result, bool[] trackDistinct)
    {
        try
        {
            ReadAll(new MemoryStream(data.ToArray()), linesBefore, result, trackDistinct);
        }
        catch (TabularFormatException ex)
        {
            throw ex.ShiftedBy(linesBefore);
        }
    }

    /// <summary>Reads a stream that starts at a record boundary with the reference reader, in constant memory.</summary>
    public void Parse(Stream data, CsvChunkResult result, bool[] trackDistinct)
    {
        try
        {
            ReadAll(data, 0, result, trackDistinct);
        }
        catch (TabularFormatException ex)
        {
            result.Error = ex;
        }
    }

    void ReadAll(Stream data, long linesBefore, CsvChunkResult result, bool[] trackDistinct)
    {
        using var text = new StreamReader(data, TabularScanner.StrictUtf8, detectEncodingFromByteOrderMarks: false, bufferSize: 64 * 1024, leaveOpen: true);
        var reader = new CsvRecordReader(text, maxFieldLength);
        var fields = new List<string>();
        while (reader.TryRead(fields))
        {
            var length = 0;
            foreach (var field in fields)
                length += Encoding.UTF8.GetByteCount(field);
            if (_scratch.Length < length)
                _scratch = new byte[Math.Max(length, 2 * _scratch.Length)];
            if (_bounds.Length < 2 * fields.Count)
                _bounds = new int[2 * fields.Count];
            var at = 0;
            for (var i = 0; i < fields.Count; i++)
            {
                _bounds[2 * i] = at;
                at += Encoding.UTF8.GetBytes(fields[i], _scratch.AsSpan(at));
                _bounds[2 * i + 1] = at;
            }
            Record(_scratch.AsSpan(0, at), fields.Count, canonical: false, linesBefore + reader.RecordLine, result, trackDistinct);
        }
        result.Lines = linesBefore + reader.Line - 1;
    }
}

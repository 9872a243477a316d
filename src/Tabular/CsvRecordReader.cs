using System.Text;

namespace MlOps.Tabular;

/// <summary>A CSV input that cannot be read, with where: the 1-based line and column (field number) of the problem.</summary>
public sealed class TabularFormatException(string message, long line, int? column = null)
    : Exception(column is null ? $"line {line}: {message}" : $"line {line}, column {column}: {message}")
{
    public long Line { get; } = line;
    public int? Column { get; } = column;

    /// <summary>The message without its position, so a part of a batch read on its own can be placed in the whole.</summary>
    internal string Reason { get; } = message;

    internal TabularFormatException ShiftedBy(long lines) => new(Reason, Line + lines, Column);
}

/// <summary>
/// Streaming RFC 4180 reader: quoted fields with doubled quotes and embedded line breaks, LF or CRLF line ends.
/// Holds one record at a time, so a file of any size is read in constant memory (bounded by the field length limit).
/// </summary>
public sealed class CsvRecordReader(TextReader reader, int maxFieldLength = 1 << 20)
{
    /// <summary>
    /// What the decoder puts in place of bytes that are not UTF-8 (see <see cref="TabularScanner"/>): a noncharacter, so
    /// the reader can name the line and column of the bad bytes instead of failing somewhere in a 64 KB block.
    /// </summary>
    public const char InvalidUtf8Marker = '\uFFFF';

    readonly char[] _buffer = new char[64 * 1024];
    readonly StringBuilder _field = new();
    int _pos;
    int _len;
    long _line = 1;
    bool _started;

    /// <summary>The line the reader has reached: after the last record, one more than the lines read.</summary>
    internal long Line => _line;

    /// <summary>The line the last record returned started on.</summary>
    public long RecordLine { get; private set; }

    /// <summary>Reads the next record into <paramref name="fields"/>; false at the end of input.</summary>
    public bool TryRead(List<string> fields)
    {
        fields.Clear();
        if (!EnsureData())
            return false;
        RecordLine = _line;
        _field.Clear();
        var inQuotes = false;
        var wasQuoted = false;
        var quoteLine = _line;

        while (true)
        {
            if (!EnsureData())
            {
                if (inQuotes)
                    throw new TabularFormatException("a quoted field is never closed (unbalanced quote)", quoteLine, fields.Count + 1);
                fields.Add(_field.ToString());
                return true;
            }

            var c = _buffer[_pos++];
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (!EnsureData() || _buffer[_pos] != '"')
                        inQuotes = false;
                    else
                    {
                        _pos++;
                        Append('"', fields.Count);
                    }
                }
                else
                {
                    if (c == '\n')
                        _line++;
                    Append(c, fields.Count);
                }
                continue;
            }

            switch (c)
            {
                case ',':
                    fields.Add(_field.ToString());
                    _field.Clear();
                    wasQuoted = false;
                    break;
                case '"' when _field.Length == 0 && !wasQuoted:
                    inQuotes = true;
                    wasQuoted = true;
                    quoteLine = _line;
                    break;
                case '"':
                    throw new TabularFormatException("a quote inside an unquoted field (quote the whole field and double the quote)", _line, fields.Count + 1);
                case '\r':
                    if (EnsureData() && _buffer[_pos] == '\n')
                        _pos++;
                    _line++;
                    fields.Add(_field.ToString());
                    return true;
                case '\n':
                    _line++;
                    fields.Add(_field.ToString());
                    return true;
                default:
                    if (wasQuoted)
                        throw new TabularFormatException("characters after the closing quote of a field", _line, fields.Count + 1);
                    Append(c, fields.Count);
                    break;
            }
        }
    }

    void Append(char c, int fieldIndex)
    {
        if (c == InvalidUtf8Marker)
            throw new TabularFormatException("the input is not valid UTF-8", _line, fieldIndex + 1);
        if (_field.Length >= maxFieldLength)
            throw new TabularFormatException($"a field is longer than the limit of {maxFieldLength} characters", _line, fieldIndex + 1);
        _field.Append(c);
    }

    bool EnsureData()
    {
        if (_pos < _len)
            return true;
        try
        {
            _len = reader.Read(_buffer, 0, _buffer.Length);
        }
        catch (DecoderFallbackException ex)
        {
            throw new TabularFormatException($"the input is not valid UTF-8 ({ex.Message})", _line);
        }
        _pos = 0;
        // A UTF-8 byte order mark opens the input, not the first column's name.
        if (!_started && _len > 0 && _buffer[0] == '\uFEFF')
            _pos = 1;
        _started = true;
        return _pos < _len || (_len > 0 && EnsureData());
    }
}

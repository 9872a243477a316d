using System.Buffers;

namespace MlOps.Tabular;

/// <summary>
/// Cuts a CSV byte stream into stretches of about <see cref="ChunkSize"/> bytes (a megabyte: enough to make merging
/// parts rare, small enough that a few in flight cost little memory), each ending just after a line break
/// that is outside quotes. Where the cuts fall depends only on the bytes, never on how the stream delivers them, so
/// every run over the same input reads the same stretches.
/// </summary>
internal sealed class CsvChunker(Stream stream, int chunkSize = CsvChunker.ChunkSize, int maxReadAhead = CsvChunker.MaxReadAhead)
{
    public const int ChunkSize = 1 << 20;

    /// <summary>
    /// How far to read ahead for the end of one record. A longer record (huge quoted fields, or a stray quote that never
    /// closes) ends the cutting: <see cref="Overlong"/> is set and the caller reads the rest as one stream.
    /// </summary>
    public const int MaxReadAhead = 64 << 20;

    byte[] _carry = new byte[chunkSize];
    int _carryLength;
    bool _end;

    /// <summary>The last stretch returned does not end at a record boundary: its record goes on in the stream.</summary>
    public bool Overlong { get; private set; }

    /// <summary>The next stretch in a pooled buffer (return it with <see cref="Return"/>), or null at the end.</summary>
    public (byte[] Buffer, int Length)? Next()
    {
        if (_end && _carryLength == 0)
            return null;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(chunkSize, 2 * _carryLength));
        _carry.AsSpan(0, _carryLength).CopyTo(buffer);
        var filled = _carryLength;
        _carryLength = 0;
        var searched = 0;
        while (true)
        {
            if (!_end)
            {
                var read = stream.ReadAtLeast(buffer.AsSpan(filled), buffer.Length - filled, throwOnEndOfStream: false);
                filled += read;
                _end = filled < buffer.Length;
            }
            if (_end)
                return filled == 0 ? Discard(buffer) : (buffer, filled);
            var cut = LastRecordEnd(buffer.AsSpan(0, filled), searched);
            if (cut > 0)
            {
                Keep(buffer.AsSpan(cut, filled - cut));
                return (buffer, cut);
            }
            // One record longer than the buffer (a long quoted field): grow until it ends, or up to the limit.
            if (buffer.Length >= maxReadAhead)
            {
                Overlong = true;
                return (buffer, filled);
            }
            searched = filled - 1; // a CR that ended the buffer is judged again, with what follows it
            var bigger = ArrayPool<byte>.Shared.Rent(2 * buffer.Length);
            buffer.AsSpan(0, filled).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = bigger;
        }
    }

    /// <summary>The bytes read past the last stretch, for a caller that reads the rest of the stream itself.</summary>
    public byte[] TakeCarry()
    {
        var carry = _carry.AsSpan(0, _carryLength).ToArray();
        _carryLength = 0;
        return carry;
    }

    public static void Return(byte[] buffer) => ArrayPool<byte>.Shared.Return(buffer);

    static (byte[], int)? Discard(byte[] buffer)
    {
        ArrayPool<byte>.Shared.Return(buffer);
        return null;
    }

    void Keep(ReadOnlySpan<byte> rest)
    {
        if (_carry.Length < rest.Length)
            _carry = new byte[rest.Length];
        rest.CopyTo(_carry);
        _carryLength = rest.Length;
    }

    /// <summary>
    /// Just past the last line break outside quotes, or 0. Outside quotes means an even number of quotes before it: a
    /// well-formed field's quotes pair up, and input that is not well-formed fails the same way wherever it is cut.
    /// A CR as the very last byte is not a cut, as an LF may follow.
    /// </summary>
    static int LastRecordEnd(ReadOnlySpan<byte> data, int from)
    {
        var quotes = data.Count((byte)'"');
        if (quotes == 0)
        {
            var last = data.LastIndexOfAny((byte)'\n', (byte)'\r');
            if (last == data.Length - 1 && data[last] == '\r')
                last = data[..last].LastIndexOfAny((byte)'\n', (byte)'\r');
            return last >= from ? last + 1 : 0;
        }
        var odd = (quotes & 1) == 1; // parity of the quotes before position p, walking back
        for (var p = data.Length - 1; p >= from; p--)
        {
            var b = data[p];
            if (b == '"')
                odd = !odd;
            else if (!odd && (b == '\n' || (b == '\r' && p + 1 < data.Length && data[p + 1] != '\n')))
                return p + 1;
        }
        return 0;
    }
}

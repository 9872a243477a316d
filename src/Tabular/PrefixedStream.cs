namespace MlOps.Tabular;

/// <summary>Bytes already taken from a stream (the first stretch and the chunker's carry) followed by the rest of it.</summary>
internal sealed class PrefixedStream(byte[] prefix, int prefixStart, int prefixLength, CsvChunker chunker, Stream rest) : ForwardOnlyStream
{
    int _position;
    Stream? _carry;

    public override int Read(Span<byte> buffer)
    {
        if (_position < prefixLength)
        {
            var n = Math.Min(buffer.Length, prefixLength - _position);
            prefix.AsSpan(prefixStart + _position, n).CopyTo(buffer);
            _position += n;
            return n;
        }
        _carry ??= new MemoryStream(chunker.TakeCarry());
        var fromCarry = _carry.Read(buffer);
        return fromCarry > 0 ? fromCarry : rest.Read(buffer);
    }
}

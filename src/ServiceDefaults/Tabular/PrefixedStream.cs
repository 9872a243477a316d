namespace MlOps.ServiceDefaults.Tabular;

/// <summary>Bytes already taken from a stream (the first stretch and the chunker's carry) followed by the rest of it.</summary>
internal sealed class PrefixedStream(byte[] prefix, int prefixStart, int prefixLength, CsvChunker chunker, Stream rest) : Stream
{
    int _position;
    Stream? _carry;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

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

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

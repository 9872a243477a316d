using System.IO.Pipelines;

namespace MlOps.Ingestion;

/// <summary>
/// Reads from <paramref name="source"/> and hands a copy of every block to <paramref name="copy"/>, waiting while the
/// copy's reader is behind. Once that reader has finished, reading goes on without copying.
/// </summary>
sealed class TeeStream(Stream source, PipeWriter copy) : Stream
{
    bool _copying = true;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        var n = await source.ReadAsync(buffer, ct);
        if (n > 0 && _copying)
        {
            var flushed = await copy.WriteAsync(buffer[..n], ct);
            _copying = !flushed.IsCompleted;
        }
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

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

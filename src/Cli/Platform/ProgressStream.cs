using System.Diagnostics;

namespace MlOps.Cli.Platform;

/// <summary>A read-only stream over a file that draws a progress bar on standard error as the bytes are sent.</summary>
internal sealed class ProgressStream(Stream inner, long length, string label, TextWriter error) : Stream
{
    const int Width = 30;
    readonly Stopwatch _sinceDrawn = Stopwatch.StartNew();
    long _position;
    bool _finished;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Advance(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Advance(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    int Advance(int read)
    {
        _position += read;
        if (read == 0 || _position >= length)
            Finish();
        else if (_sinceDrawn.ElapsedMilliseconds >= 200)
            Draw(final: false);
        return read;
    }

    /// <summary>Draws the full bar once, when the last byte has been read.</summary>
    public void Finish()
    {
        if (_finished)
            return;
        _finished = true;
        Draw(final: true);
    }

    void Draw(bool final)
    {
        _sinceDrawn.Restart();
        var share = length == 0 ? 1.0 : Math.Min(1.0, (double)_position / length);
        var filled = (int)Math.Round(share * Width);
        error.Write($"\r{label} [{new string('#', filled)}{new string('.', Width - filled)}] {(int)(share * 100),3}% {Size(_position)}/{Size(length)}");
        if (final)
            error.WriteLine();
        error.Flush();
    }

    static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.0} KiB",
        _ => $"{bytes / (1024.0 * 1024):0.0} MiB",
    };

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            inner.Dispose();
        base.Dispose(disposing);
    }
}

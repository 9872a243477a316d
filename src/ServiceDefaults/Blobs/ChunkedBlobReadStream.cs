using System.Security.Cryptography;
using Npgsql;

namespace MlOps.ServiceDefaults.Blobs;

/// <summary>Reads a blob one chunk at a time and verifies the content address when the last byte has been read.</summary>
sealed class ChunkedBlobReadStream(NpgsqlDataSource dataSource, string key, long length, int chunks) : Stream
{
    readonly IncrementalHash _hasher = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    byte[] _chunk = [];
    int _offset;
    int _nextSeq;
    long _position;
    bool _verified;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken ct = default)
    {
        while (_offset == _chunk.Length)
        {
            if (_nextSeq == chunks)
            {
                Verify();
                return 0;
            }
            _chunk = await FetchAsync(_nextSeq++, ct);
            _offset = 0;
            _hasher.AppendData(_chunk);
        }

        var n = Math.Min(destination.Length, _chunk.Length - _offset);
        _chunk.AsSpan(_offset, n).CopyTo(destination.Span);
        _offset += n;
        _position += n;
        return n;
    }

    async Task<byte[]> FetchAsync(int seq, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT data FROM blob_chunks WHERE key = $1 AND seq = $2");
        cmd.Parameters.AddWithValue(key);
        cmd.Parameters.AddWithValue(seq);
        return await cmd.ExecuteScalarAsync(ct) as byte[]
            ?? throw new BlobCorruptedException(key, $"(chunk {seq} of {chunks} is missing)");
    }

    void Verify()
    {
        if (_verified)
            return;
        var actual = "sha256:" + Convert.ToHexStringLower(_hasher.GetHashAndReset());
        if (actual != key || _position != length)
            throw new BlobCorruptedException(key, actual);
        _verified = true;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _hasher.Dispose();
        base.Dispose(disposing);
    }
}

using System.Security.Cryptography;
using Npgsql;
using NpgsqlTypes;

namespace MlOps.ServiceDefaults.Blobs;

/// <summary>
/// Content-addressed blobs in PostgreSQL, split into fixed-size chunks so neither writing nor reading holds a whole blob in memory.
/// </summary>
/// <remarks>
/// Chunks are first written under a random upload key while the hash is computed; once the stream ends they are renamed
/// to the content address in one transaction, or dropped if that content is already stored.
/// </remarks>
public sealed class PostgresBlobStore(NpgsqlDataSource dataSource) : IBlobStore
{
    internal const int ChunkSize = 1 << 20;

    public async Task<BlobInfo> PutAsync(Stream content, CancellationToken ct = default)
    {
        var upload = "upload:" + Guid.NewGuid().ToString("N");
        using var hasher = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[ChunkSize];
        long length = 0;
        var seq = 0;

        try
        {
            await using var conn = await dataSource.OpenConnectionAsync(ct);
            while (true)
            {
                var filled = await FillAsync(content, buffer, ct);
                if (filled == 0 && seq > 0)
                    break;
                hasher.AppendData(buffer, 0, filled);
                length += filled;
                await using var cmd = new NpgsqlCommand("INSERT INTO blob_chunks (key, seq, data) VALUES ($1, $2, $3)", conn);
                cmd.Parameters.AddWithValue(upload);
                cmd.Parameters.AddWithValue(seq++);
                cmd.Parameters.Add(new NpgsqlParameter { Value = new ReadOnlyMemory<byte>(buffer, 0, filled), NpgsqlDbType = NpgsqlDbType.Bytea });
                await cmd.ExecuteNonQueryAsync(ct);
                if (filled < buffer.Length)
                    break;
            }
        }
        catch
        {
            // The sender gave up or broke a limit half way: drop the partial upload rather than leave orphan chunks.
            await using var cleanup = dataSource.CreateCommand("DELETE FROM blob_chunks WHERE key = $1");
            cleanup.Parameters.AddWithValue(upload);
            await cleanup.ExecuteNonQueryAsync(CancellationToken.None);
            throw;
        }

        var key = "sha256:" + Convert.ToHexStringLower(hasher.GetHashAndReset());
        await CommitUploadAsync(upload, key, length, seq, ct);
        return new BlobInfo(key, length);
    }

    async Task CommitUploadAsync(string upload, string key, long length, int chunks, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO blob_objects (key, length, chunks, created_at) VALUES ($1, $2, $3, now()) ON CONFLICT (key) DO NOTHING", conn, tx))
        {
            insert.Parameters.AddWithValue(key);
            insert.Parameters.AddWithValue(length);
            insert.Parameters.AddWithValue(chunks);
            var inserted = await insert.ExecuteNonQueryAsync(ct);
            var sql = inserted == 1
                ? "UPDATE blob_chunks SET key = $2 WHERE key = $1"
                : "DELETE FROM blob_chunks WHERE key = $1";
            await using var move = new NpgsqlCommand(sql, conn, tx);
            move.Parameters.AddWithValue(upload);
            if (inserted == 1)
                move.Parameters.AddWithValue(key);
            await move.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    public async Task<BlobInfo?> GetInfoAsync(string key, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand("SELECT length FROM blob_objects WHERE key = $1");
        cmd.Parameters.AddWithValue(key);
        var result = await cmd.ExecuteScalarAsync(ct);
        return result is long length ? new BlobInfo(key, length) : null;
    }

    public async Task DeleteAsync(string key, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        foreach (var sql in (string[])["DELETE FROM blob_objects WHERE key = $1", "DELETE FROM blob_chunks WHERE key = $1"])
        {
            await using var cmd = new NpgsqlCommand(sql, conn, tx);
            cmd.Parameters.AddWithValue(key);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    public async Task<Stream> OpenReadAsync(string key, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand("SELECT length, chunks FROM blob_objects WHERE key = $1");
        cmd.Parameters.AddWithValue(key);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
            throw new BlobNotFoundException(key);
        return new ChunkedBlobReadStream(dataSource, key, reader.GetInt64(0), reader.GetInt32(1));
    }

    static async Task<int> FillAsync(Stream content, byte[] buffer, CancellationToken ct)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await content.ReadAsync(buffer.AsMemory(filled), ct);
            if (read == 0)
                break;
            filled += read;
        }
        return filled;
    }

    /// <summary>
    /// Deletes chunks of uploads that never completed (their writer died before renaming them to a content address)
    /// written before <paramref name="before"/>. Uploads in progress are younger and stay.
    /// </summary>
    internal static async Task<int> DeleteOrphanedUploadsAsync(NpgsqlDataSource dataSource, DateTimeOffset before, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("DELETE FROM blob_chunks WHERE key LIKE 'upload:%' AND created_at < $1");
        cmd.Parameters.AddWithValue(before);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    internal static async Task EnsureSchemaAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        // Services start together and share this database: the advisory lock serialises their schema creation.
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using var cmd = new NpgsqlCommand("""
            SELECT pg_advisory_xact_lock(7341298);
            CREATE TABLE IF NOT EXISTS blob_objects (key text PRIMARY KEY, length bigint NOT NULL, chunks int NOT NULL, created_at timestamptz NOT NULL);
            CREATE TABLE IF NOT EXISTS blob_chunks (key text NOT NULL, seq int NOT NULL, data bytea NOT NULL, PRIMARY KEY (key, seq));
            ALTER TABLE blob_chunks ADD COLUMN IF NOT EXISTS created_at timestamptz NOT NULL DEFAULT now();
            """, conn, tx);
        await cmd.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }
}

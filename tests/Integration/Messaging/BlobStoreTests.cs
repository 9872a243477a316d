using System.Security.Cryptography;
using MlOps.ServiceDefaults.Blobs;
using MlOps.Tests.Integration.Infrastructure;
using Npgsql;

namespace MlOps.Tests.Integration.Messaging;

[Collection(InfrastructureCollection.Name)]
public sealed class BlobStoreTests(InfrastructureFixture infra)
{
    async Task<(PostgresBlobStore Store, NpgsqlDataSource DataSource)> CreateAsync()
    {
        var dataSource = NpgsqlDataSource.Create(await infra.CreateDatabaseAsync("blobs"));
        await PostgresBlobStore.EnsureSchemaAsync(dataSource, CancellationToken.None);
        return (new PostgresBlobStore(dataSource), dataSource);
    }

    static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task A_blob_larger_than_a_chunk_round_trips_under_its_sha256_address()
    {
        var (store, _) = await CreateAsync();
        var bytes = RandomBytes(PostgresBlobStore.ChunkSize * 3 + 12345);

        var info = await store.PutAsync(new MemoryStream(bytes));

        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)), info.Key);
        Assert.Equal(bytes.Length, info.Length);
        await using var read = await store.OpenReadAsync(info.Key);
        var copy = new MemoryStream();
        await read.CopyToAsync(copy);
        Assert.Equal(bytes, copy.ToArray());
    }

    [Fact]
    public async Task Storing_the_same_bytes_twice_keeps_one_copy()
    {
        var (store, dataSource) = await CreateAsync();
        var bytes = RandomBytes(5000);

        var first = await store.PutAsync(new MemoryStream(bytes));
        var second = await store.PutAsync(new MemoryStream(bytes));

        Assert.Equal(first, second);
        await using var cmd = dataSource.CreateCommand("SELECT count(*) FROM blob_chunks");
        Assert.Equal(1L, await cmd.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_tampered_blob_fails_verification_on_read()
    {
        var (store, dataSource) = await CreateAsync();
        var info = await store.PutAsync(new MemoryStream(RandomBytes(PostgresBlobStore.ChunkSize + 10)));
        await using (var cmd = dataSource.CreateCommand("UPDATE blob_chunks SET data = overlay(data placing '\\x00'::bytea from 5 for 1) WHERE key = $1 AND seq = 1"))
        {
            cmd.Parameters.AddWithValue(info.Key);
            Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
        }

        await using var read = await store.OpenReadAsync(info.Key);
        var ex = await Assert.ThrowsAsync<BlobCorruptedException>(() => read.CopyToAsync(Stream.Null));
        Assert.Contains(info.Key, ex.Message);
    }

    [Fact]
    public async Task An_unknown_key_is_reported_as_not_found()
    {
        var (store, _) = await CreateAsync();
        await Assert.ThrowsAsync<BlobNotFoundException>(() => store.OpenReadAsync("sha256:" + new string('0', 64)));
    }
}

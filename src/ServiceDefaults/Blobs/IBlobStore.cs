namespace MlOps.ServiceDefaults.Blobs;

/// <summary>A stored blob: its content address (<c>sha256:&lt;hex&gt;</c>) and length in bytes.</summary>
public sealed record BlobInfo(string Key, long Length);

/// <summary>
/// The platform's shared content-addressed store for large payloads (claim check): events carry the key, the bytes live here.
/// </summary>
public interface IBlobStore
{
    /// <summary>Streams <paramref name="content"/> into the store in chunks and returns its content address. Storing bytes that are already there is a no-op that returns the same key.</summary>
    Task<BlobInfo> PutAsync(Stream content, CancellationToken ct = default);

    /// <summary>Opens a blob for reading. The stream fetches one chunk at a time and throws <see cref="BlobCorruptedException"/> at the end if the bytes do not hash to the key.</summary>
    /// <exception cref="BlobNotFoundException">No blob has that key.</exception>
    Task<Stream> OpenReadAsync(string key, CancellationToken ct = default);

    Task<BlobInfo?> GetInfoAsync(string key, CancellationToken ct = default);

    /// <summary>
    /// Deletes a blob; a key that is not there is a no-op. Only for blobs whose bytes no one else can have written (a
    /// prediction log window holds unique ids): with content addressing, identical bytes from another writer share the key.
    /// </summary>
    Task DeleteAsync(string key, CancellationToken ct = default);
}

public static class BlobStoreReads
{
    /// <summary>The whole blob, for payloads parsed as one piece (model artifacts, holdouts); its bytes are verified against the key.</summary>
    /// <exception cref="BlobNotFoundException">No blob has that key.</exception>
    /// <exception cref="BlobCorruptedException">The bytes do not hash to the key.</exception>
    public static async Task<byte[]> ReadAllBytesAsync(this IBlobStore blobs, string key, CancellationToken ct = default)
    {
        await using var stream = await blobs.OpenReadAsync(key, ct);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }
}

public sealed class BlobNotFoundException(string key) : Exception($"Blob {key} was not found in the blob store")
{
    public string Key { get; } = key;
}

public sealed class BlobCorruptedException(string key, string actual)
    : Exception($"Blob {key} failed verification: its bytes hash to {actual}")
{
    public string Key { get; } = key;
}

using System.Security.Cryptography;
using MlOps.Learning;
using MlOps.Learning.Artifacts;

namespace MlOps.Cli.Platform;

/// <summary>
/// A model version's artifact from the Registry (<c>GET /models/{m}/versions/{v}/artifact</c>), loaded only once its
/// SHA-256 matches both the version's recorded <c>artifactHash</c> and the <c>X-Artifact-Hash</c> header.
/// </summary>
internal static class ArtifactDownload
{
    public const string HashHeader = "X-Artifact-Hash";

    public static async Task<(TrainedModel Model, string Hash)> LoadAsync(PlatformClient client, string model, int version, CancellationToken ct)
    {
        var path = $"models/{PlatformCommand.Segment(model)}/versions/{version}";
        var record = await client.GetJsonAsync(PlatformService.Registry, path, ct);
        var recorded = Output.Cell(record?["artifactHash"]);
        using var response = await client.SendAsync(PlatformService.Registry, HttpMethod.Get, path + "/artifact", ct: ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        var header = response.Headers.TryGetValues(HashHeader, out var values) ? values.FirstOrDefault() : null;
        var hash = Verify(model, version, bytes, recorded, header);
        try { return (ModelArtifact.FromBytes(bytes), hash); }
        catch (ModelFormatException e) { throw new CliException($"{model}@{version}'s artifact cannot be read: {e.Message}"); }
    }

    /// <summary>The bytes' hash when it matches the recorded hash and the header (when sent); otherwise the mismatch, named.</summary>
    public static string Verify(string model, int version, ReadOnlySpan<byte> bytes, string recorded, string? header)
    {
        var actual = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (header is not null && !string.Equals(header, recorded, StringComparison.Ordinal))
            throw new CliException($"{model}@{version}: the Registry sent {HashHeader} {header}, but the version records {recorded}; the artifact is not used.");
        if (!string.Equals(actual, recorded, StringComparison.Ordinal))
            throw new CliException($"{model}@{version}: the downloaded artifact hashes to {actual}, not the recorded {recorded}; it was changed or cut short and is not used.");
        return actual;
    }
}

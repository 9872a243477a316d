using System.Security.Cryptography;
using MlOps.Learning.Artifacts;
using MlOps.ServiceDefaults.Blobs;

namespace MlOps.Serving.Models;

/// <summary>A model artifact that cannot be served: missing from the blob store, corrupt, or not a readable model.</summary>
public sealed class ModelLoadException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Loads an artifact by its content hash, as the Registry's ChampionScorer does: the blob store's key is the SHA-256 of
/// the bytes (the stream verifies it at its end, and so do we), and <see cref="ModelArtifact"/> checks the artifact's
/// own SHA-256 trailer. ML.NET models load the same way (MlOps.Learning.MLNet is deployed with the service).
/// </summary>
public sealed class ModelLoader(IBlobStore blobs)
{
    public async Task<LoadedModel> LoadAsync(string model, int version, string artifactHash, CancellationToken ct)
    {
        using var activity = ServingTelemetry.Source.StartActivity("load model");
        activity?.SetTag("mlops.model", model);
        activity?.SetTag("mlops.version", version);
        byte[] bytes;
        try
        {
            bytes = await blobs.ReadAllBytesAsync(artifactHash, ct);
        }
        catch (Exception e) when (e is BlobNotFoundException or BlobCorruptedException)
        {
            throw new ModelLoadException($"{model} v{version}: {e.Message}", e);
        }
        var actual = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (actual != artifactHash)
            throw new ModelLoadException($"{model} v{version}: the artifact's bytes hash to {actual}, not {artifactHash}");
        try
        {
            return new LoadedModel(model, version, artifactHash, ModelArtifact.FromBytes(bytes));
        }
        catch (Exception e) when (e is ModelFormatException or InvalidDataException or NotSupportedException or InvalidOperationException)
        {
            throw new ModelLoadException($"{model} v{version}: the artifact {artifactHash} is not a model this service can load: {e.Message}", e);
        }
    }
}

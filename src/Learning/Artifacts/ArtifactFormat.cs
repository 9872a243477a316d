namespace MlOps.Learning.Artifacts;

/// <summary>Constants of the model artifact format (documented in docs/model-format.md).</summary>
internal static class ArtifactFormat
{
    public static ReadOnlySpan<byte> Magic => "MLOPSMDL"u8;
    public const ushort Version = 1;
    public const int HeaderSize = 32;
    public const int HashSize = 32;
    /// <summary>Refuse anything larger before reading it into memory.</summary>
    public const long MaxPayload = 1L << 31;

    public enum Section : ushort
    {
        Info = 1,
        Transforms = 2,
        Estimator = 3,
        Metrics = 4,
        Importance = 5,
        Profile = 6,
        /// <summary>Optional: sorted reference values per column and the target's profile, for drift tests.</summary>
        DriftReference = 7,
    }

    public enum EstimatorKind : byte
    {
        TreeEnsemble = 1,
        Linear = 2,
        /// <summary>Another library's model (ML.NET): a format name and an opaque, deterministic payload.</summary>
        External = 3,
    }
}

/// <summary>An artifact that is not a model, is damaged, truncated, tampered with, or of an unknown version.</summary>
public sealed class ModelFormatException(string message) : IOException(message);

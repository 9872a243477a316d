namespace MlOps.Ingestion;

/// <summary>Limits on what one batch may be; each answers 413 or 400 naming the limit when exceeded.</summary>
public sealed class IngestionOptions
{
    public const string Section = "Ingestion";

    /// <summary>Largest request body accepted (bytes). Default 2 GiB.</summary>
    public long MaxBodyBytes { get; set; } = 2L << 30;

    public int MaxColumns { get; set; } = 1000;

    /// <summary>Longest single field, in characters.</summary>
    public int MaxFieldLength { get; set; } = 1 << 20;
}

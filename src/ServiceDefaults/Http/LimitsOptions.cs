namespace MlOps.ServiceDefaults.Http;

/// <summary>Request size and rate limits every service applies (section <c>Limits</c>, environment <c>Limits__*</c>).</summary>
public sealed class LimitsOptions
{
    public const string Section = "Limits";

    /// <summary>Largest request body in bytes (Kestrel's MaxRequestBodySize); larger bodies get 413. Ingestion sets its own (Ingestion:MaxBodyBytes).</summary>
    public long MaxBodyBytes { get; set; } = 16L << 20;

    /// <summary>Deepest nesting a JSON body may have; deeper is a 400.</summary>
    public int JsonMaxDepth { get; set; } = 64;

    /// <summary>Requests per second one client IP may make (a token bucket refilled each second); 0 turns the limit off.</summary>
    public int RequestsPerSecond { get; set; } = 1000;

    /// <summary>Requests one client IP may make at once beyond the per-second rate (the bucket's size).</summary>
    public int RequestBurst { get; set; } = 2000;

    /// <summary>Loopback callers (the local platform, its CLI, benchmarks) are not rate limited unless this is false.</summary>
    public bool ExemptLoopback { get; set; } = true;
}

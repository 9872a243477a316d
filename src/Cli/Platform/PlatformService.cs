namespace MlOps.Cli.Platform;

/// <summary>A platform service the CLI talks to, with its default local port (DESIGN §4).</summary>
public sealed record PlatformService(string Name, int DefaultPort)
{
    public static readonly PlatformService Ingestion = new("Ingestion", 5101);
    public static readonly PlatformService Validation = new("Validation", 5102);
    public static readonly PlatformService Training = new("Training", 5103);
    public static readonly PlatformService Registry = new("Registry", 5104);
    public static readonly PlatformService Serving = new("Serving", 5105);
    public static readonly PlatformService Monitoring = new("Monitoring", 5106);

    public static readonly IReadOnlyList<PlatformService> All = [Ingestion, Validation, Training, Registry, Serving, Monitoring];

    /// <summary>The environment variable that overrides the address, e.g. <c>MLOPS_URL_TRAINING</c>.</summary>
    public string UrlVariable => "MLOPS_URL_" + Name.ToUpperInvariant();

    public static PlatformService Parse(string name) =>
        All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new CliException($"Unknown service '{name}': use one of {string.Join(", ", All.Select(s => s.Name.ToLowerInvariant()))}.");
}

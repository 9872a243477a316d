namespace MlOps.AppHost.Orchestration;

/// <summary>A platform service: its project name, resource name, database and default port.</summary>
public sealed record ServiceDefinition(string Project, int DefaultPort)
{
    /// <summary>Lower-case resource name, used for logs, OTEL_SERVICE_NAME and the database name.</summary>
    public string Name => Project.ToLowerInvariant();

    public string Database => $"{Name}db";
}

public static class ServiceCatalog
{
    public const string Messaging = "messaging";
    public const string Blobs = "blobs";
    public const int DefaultDashboardPort = 18888;
    public const int DefaultOtlpPort = 4318;

    public static IReadOnlyList<ServiceDefinition> Services { get; } =
    [
        new("Ingestion", 5101),
        new("Validation", 5102),
        new("Training", 5103),
        new("Registry", 5104),
        new("Serving", 5105),
        new("Monitoring", 5106),
    ];
}

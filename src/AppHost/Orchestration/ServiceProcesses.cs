namespace MlOps.AppHost.Orchestration;

/// <summary>How each platform service is started: its binary, its URL and the environment Aspire would give it.</summary>
public static class ServiceProcesses
{
    public static ProcessSpec Spec(
        ServiceDefinition service,
        RepoLayout layout,
        int port,
        int otlpPort,
        string messaging,
        Func<string, string> databaseConnectionString)
    {
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = Url(port),
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            [$"ConnectionStrings__{ServiceCatalog.Messaging}"] = messaging,
            [$"ConnectionStrings__{service.Database}"] = databaseConnectionString(service.Database),
            [$"ConnectionStrings__{ServiceCatalog.Blobs}"] = databaseConnectionString(ServiceCatalog.Blobs),
            ["OTEL_SERVICE_NAME"] = service.Name,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Url(otlpPort),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            // One line per log entry, so the [service] prefix the AppHost adds marks every line of it.
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
        };
        var dll = layout.ServiceDll(service);
        return new ProcessSpec(service.Name, DotnetHost(), [dll], environment, Path.GetDirectoryName(dll));
    }

    // The same dotnet that runs the AppHost, so a machine with several installs runs the services on the same runtime.
    private static string DotnetHost() =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

    public static string Url(int port) => $"http://127.0.0.1:{port}";
}

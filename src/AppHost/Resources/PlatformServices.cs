using System.Reflection;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace MlOps.AppHost.Resources;

public static class PlatformServiceExtensions
{
    /// <summary>
    /// A platform service as an executable resource: its built dll run with <c>dotnet</c> (no <c>dotnet run</c> wrapper:
    /// half the start time and memory; the ReadyToRun publish of a Release build where it is current), listening on <paramref name="port"/>, exporting telemetry to the dashboard, and
    /// healthy when its <c>/health</c> answers 200.
    /// </summary>
    public static IResourceBuilder<ExecutableResource> AddService<TProject>(this IDistributedApplicationBuilder builder, string name, int port)
        where TProject : IProjectMetadata, new()
    {
        var projectPath = new TProject().ProjectPath;
        var projectDir = Path.GetDirectoryName(projectPath)!;
        var assemblyName = Path.GetFileNameWithoutExtension(projectPath);
        var dll = Path.Combine(projectDir, "bin", BuildConfiguration, "net10.0", assemblyName + ".dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} not found: build the platform first (dotnet build src/AppHost -c {BuildConfiguration}).");
        }
        dll = Precompiled(projectDir, assemblyName, BuildConfiguration) ?? dll;
        var healthKey = $"{name}_health";
        builder.Services.AddReadinessCheck(healthKey, () => new ReadinessChecks.HttpProbe(port));
        return builder.AddExecutable(name, "dotnet", projectDir, dll)
            .WithHttpEndpoint(port: port, targetPort: port, name: "http", isProxied: false)
            .WithEnvironment("ASPNETCORE_URLS", "http://127.0.0.1:" + port)
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Development")
            .WithEnvironment("DOTNET_ENVIRONMENT", "Development")
            // No watch on the service's directory for appsettings changes (bin and obj included): a restart from the
            // dashboard applies a change, and the watch cost start-up time.
            .WithEnvironment("DOTNET_hostBuilder__reloadConfigOnChange", "false")
            .WithOtlpExporter()
            // Aspire exports metrics every second only when the AppHost runs as Development; run from its build output it
            // does not, and the default minute is too slow to watch drift share or a run's duration arrive.
            .WithEnvironment("OTEL_METRIC_EXPORT_INTERVAL", "5000")
            .WithHealthCheck(healthKey);
    }

    /// <summary>
    /// The ReadyToRun publish of a Release build (the PublishServicesReadyToRun target of AppHost.csproj), or null where
    /// there is none or a file of the service's build output is newer (the service was built again since).
    /// </summary>
    internal static string? Precompiled(string projectDir, string assemblyName, string configuration)
    {
        if (configuration != "Release")
            return null;
        // .artifacts/r2r/publish/<Service>/release_<rid>/<Service>.dll, the layout of dotnet publish --artifacts-path.
        var root = Path.GetFullPath(Path.Combine(projectDir, "..", "..", ".artifacts", "r2r", "publish", assemblyName));
        var published = Directory.Exists(root)
            ? Directory.EnumerateDirectories(root, "release_*").Select(d => Path.Combine(d, assemblyName + ".dll")).FirstOrDefault(File.Exists)
            : null;
        var built = Path.Combine(projectDir, "bin", configuration, "net10.0");
        return published is not null && Directory.EnumerateFiles(built, "*.dll").All(f => File.GetLastWriteTimeUtc(f) <= File.GetLastWriteTimeUtc(published))
            ? published
            : null;
    }

    /// <summary>The configuration (Debug, Release) the AppHost was built with; the services are run from the same.</summary>
    public static string BuildConfiguration { get; } =
        typeof(PlatformServiceExtensions).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration is { Length: > 0 } c ? c : "Debug";
}

using System.Reflection;

namespace MlOps.AppHost.Orchestration;

/// <summary>Where the repository and the built service binaries are.</summary>
public sealed record RepoLayout(string Root, string Configuration)
{
    public const string SolutionFile = "MlOps.sln";

    /// <summary>Walks up from <paramref name="start"/> to the folder holding MlOps.sln.</summary>
    public static string FindRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException(
            $"Could not find {SolutionFile} in {start} or any folder above it: run the AppHost from its build output inside the repository.");
    }

    /// <summary>The configuration (Debug, Release) this assembly was built with, so services match the AppHost.</summary>
    public static string BuildConfiguration(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration is { Length: > 0 } configuration
            ? configuration
            : "Debug";

    public static RepoLayout Discover(string? configuration) =>
        new(FindRoot(AppContext.BaseDirectory), configuration ?? BuildConfiguration(typeof(RepoLayout).Assembly));

    public string ServiceDll(ServiceDefinition service)
    {
        var dll = Path.Combine(Root, "src", service.Project, "bin", Configuration, "net10.0", $"{service.Project}.dll");
        return File.Exists(dll)
            ? dll
            : throw new InvalidOperationException(
                $"{dll} not found: build the services first with 'dotnet build src/AppHost -c {Configuration}'.");
    }

    public void EnsureServicesBuilt(IEnumerable<ServiceDefinition> services)
    {
        foreach (var service in services)
        {
            ServiceDll(service);
        }
    }

    public string DefaultStateDir => Path.Combine(Root, ".mlops");
}

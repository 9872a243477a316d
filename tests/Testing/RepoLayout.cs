using System.Reflection;

namespace MlOps.Testing;

/// <summary>Where the repository and the built service binaries are, for tests that run services as processes.</summary>
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
        throw new InvalidOperationException($"Could not find {SolutionFile} in {start} or any folder above it.");
    }

    /// <summary>The configuration (Debug, Release) an assembly was built with, so services match the tests.</summary>
    public static RepoLayout For(Assembly assembly) =>
        new(FindRoot(AppContext.BaseDirectory),
            assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration is { Length: > 0 } c ? c : "Debug");

    /// <summary>The built dll of <c>src/{project}</c>.</summary>
    public string ServiceDll(string project)
    {
        var dll = Path.Combine(Root, "src", project, "bin", Configuration, "net10.0", $"{project}.dll");
        return File.Exists(dll)
            ? dll
            : throw new InvalidOperationException($"{dll} not found: build the solution first ('dotnet build MlOps.sln -c {Configuration}').");
    }

    public string TestData(string file) => Path.Combine(Root, "tests", "data", file);
}

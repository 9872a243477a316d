using MlOps.AppHost.Resources;

namespace MlOps.Tests.AppHost;

/// <summary>
/// Which dll a Release AppHost runs for a service: the ReadyToRun publish under .artifacts/r2r while it is current, the
/// plain build output as soon as any file of it is newer (a service built again must never run stale code).
/// </summary>
public sealed class PrecompiledServiceTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("mlops-r2r-").FullName;
    readonly DateTime _now = DateTime.UtcNow;

    string ProjectDir => Path.Combine(_root, "src", "Ingestion");

    string File(string path, TimeSpan age)
    {
        var full = Path.Combine(_root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        System.IO.File.WriteAllText(full, "");
        System.IO.File.SetLastWriteTimeUtc(full, _now - age);
        return full;
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void The_publish_is_run_while_no_file_of_the_build_output_is_newer_and_never_for_a_Debug_build()
    {
        File("src/Ingestion/bin/Release/net10.0/Ingestion.dll", TimeSpan.FromMinutes(10));
        File("src/Ingestion/bin/Release/net10.0/ServiceDefaults.dll", TimeSpan.FromMinutes(10));
        File("src/Ingestion/bin/Debug/net10.0/Ingestion.dll", TimeSpan.FromMinutes(10));
        Assert.Null(PlatformServiceExtensions.Precompiled(ProjectDir, "Ingestion", "Release"));

        var published = File(".artifacts/r2r/publish/Ingestion/release_linux-x64/Ingestion.dll", TimeSpan.FromMinutes(5));
        Assert.Equal(published, PlatformServiceExtensions.Precompiled(ProjectDir, "Ingestion", "Release"));
        Assert.Null(PlatformServiceExtensions.Precompiled(ProjectDir, "Ingestion", "Debug"));
    }

    [Fact]
    public void A_dependency_built_again_after_the_publish_sends_the_service_back_to_its_build_output()
    {
        File("src/Ingestion/bin/Release/net10.0/Ingestion.dll", TimeSpan.FromMinutes(10));
        File(".artifacts/r2r/publish/Ingestion/release_linux-x64/Ingestion.dll", TimeSpan.FromMinutes(5));
        // The service's own dll unchanged, one of its references rebuilt and copied next to it.
        File("src/Ingestion/bin/Release/net10.0/ServiceDefaults.dll", TimeSpan.FromMinutes(1));

        Assert.Null(PlatformServiceExtensions.Precompiled(ProjectDir, "Ingestion", "Release"));
    }
}

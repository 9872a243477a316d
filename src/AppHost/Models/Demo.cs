using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using MlOps.AppHost.Resources;

namespace MlOps.AppHost.Models;

/// <summary>
/// The demo as a resource: <c>mlops demo</c> (src/Cli) replaying the demo data's weather.csv against the platform as an
/// upstream system would. It waits for every service; it starts with the platform when <c>AppHost:Demo:Start</c> is true
/// (<c>scripts/run.sh --demo</c>), otherwise from the dashboard's Start button. Its console log tells the story.
/// </summary>
static class Demo
{
    public const string ResourceName = "demo";

    public static void AddDemo(this OpsConsole console, IReadOnlyList<PipelineFile> pipelines)
    {
        var builder = console.Builder;
        var section = builder.Configuration.GetSection(OpsConsole.Section).GetSection("Demo");
        var model = section["Model"] is { Length: > 0 } configured ? configured : "weather";
        var data = Path.Combine(console.DemoData, "weather.csv");
        var cliDir = Path.GetDirectoryName(new Projects.Cli().ProjectPath)!;
        var dll = Path.Combine(cliDir, "bin", PlatformServiceExtensions.BuildConfiguration, "net10.0", "mlops.dll");
        if (!File.Exists(dll) || !File.Exists(data) || pipelines.All(p => p.Name != model))
            return;

        var demo = builder.AddExecutable(ResourceName, "dotnet", cliDir, dll, "demo", "--model", model, "--data", data,
                "--days", section.GetValue("Days", 7).ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--pause", section.GetValue("Pause", 1.0).ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment(Cli.ApiKeyVariable, console.ApiKey)
            .WithIconName("PlayCircle");
        foreach (var (name, service) in console.Services)
        {
            demo.WithEnvironment("MLOPS_URL_" + name.ToUpperInvariant(), console.Api.Url(name, "/").ToString()).WaitFor(service);
        }
        if (!section.GetValue("Start", false))
            demo.WithExplicitStart();
    }

    static class Cli
    {
        public const string ApiKeyVariable = "MLOPS_API_KEY";
    }
}

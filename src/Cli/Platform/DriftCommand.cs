using System.CommandLine;

namespace MlOps.Cli.Platform;

/// <summary><c>mlops drift MODEL</c>: drift over windows of production data (Monitoring <c>GET /models/{model}/drift</c>).</summary>
internal static class DriftCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Argument<string>("model") { Description = "The model." };
        var json = PlatformCommand.JsonOption();
        var command = new Command("drift", "Show drift per window of production data, and per feature for the latest window.") { model, json };
        PlatformCommand.SetAction(command, context, async run =>
        {
            var name = run.Get(model);
            var drift = await run.Client.GetJsonAsync(PlatformService.Monitoring, $"models/{PlatformCommand.Segment(name)}/drift", run.Cancellation);
            if (run.Get(json))
            {
                Output.Json(run.Out, drift);
                return 0;
            }
            var windows = Output.Items(drift?["windows"]).ToList();
            if (windows.Count == 0)
            {
                run.Out.WriteLine($"{name}: no windows of production data yet.");
                return 0;
            }
            Output.Table(run.Out, ["WINDOW", "VERSION", "ROWS", "DRIFT SHARE", "DRIFT"], windows.Select(w => new[]
            {
                Output.Cell(w["window"]), "v" + Output.Cell(w["version"]), Output.Cell(w["rows"]), Output.Cell(w["driftShare"]),
                Output.Cell(w["driftDetected"]),
            }));
            var latest = windows[^1];
            run.Out.WriteLine();
            run.Out.WriteLine($"window {Output.Cell(latest["window"])}:");
            Output.Table(run.Out, ["FEATURE", "TEST", "SCORE", "THRESHOLD", "DRIFTED"], Output.Items(latest["features"]).Select(f => new[]
            {
                Output.Cell(f["feature"]), Output.Cell(f["test"]), Output.Cell(f["score"]), Output.Cell(f["threshold"]), Output.Cell(f["drifted"]),
            }));
            return 0;
        });
        return command;
    }
}

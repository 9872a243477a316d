using System.CommandLine;

namespace MlOps.Cli.Platform;

/// <summary><c>mlops runs [--pipeline P]</c>: training runs, newest first (Training <c>GET /runs</c>).</summary>
internal static class RunsCommand
{
    public static Command Create(CliContext context)
    {
        var pipeline = new Option<string?>("--pipeline") { Description = "Only this pipeline's runs." };
        var json = PlatformCommand.JsonOption();
        var command = new Command("runs", "List training runs, newest first.") { pipeline, json };
        PlatformCommand.SetAction(command, context, async run =>
        {
            var p = run.Get(pipeline);
            var runs = await run.Client.GetJsonAsync(PlatformService.Training, p is null ? "runs" : $"runs?pipeline={PlatformCommand.Segment(p)}", run.Cancellation);
            if (run.Get(json))
                Output.Json(run.Out, runs);
            else
                Output.Table(run.Out, ["RUN", "PIPELINE", "STATUS", "TRIGGER", "QUEUED", "DATASET", "METRICS", "ARTIFACT / ERROR"], Output.Items(runs).Select(r => new[]
                {
                    Output.Cell(r["runId"]), Output.Cell(r["pipeline"]), Output.Cell(r["status"]), Output.Cell(r["trigger"]),
                    Output.Time(r["timings"]?["queuedAt"]),
                    r["datasetVersion"] is { } d ? $"{Output.Cell(d["dataset"])} v{Output.Cell(d["number"])}" : "-",
                    Output.Pairs(r["metrics"]),
                    r["error"] is { } e ? Output.Cell(e) : Output.Hash(r["artifactHash"]),
                }));
            return 0;
        });
        return command;
    }
}

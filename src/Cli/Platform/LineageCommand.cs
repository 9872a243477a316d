using System.CommandLine;
using System.Text.Json.Nodes;

namespace MlOps.Cli.Platform;

/// <summary><c>mlops lineage MODEL VERSION</c>: what a version was made from — data, definition, trainer, code — and why it was or was not promoted.</summary>
internal static class LineageCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Argument<string>("model") { Description = "The model (its pipeline's name)." };
        var version = new Argument<int>("version") { Description = "The version number." };
        var json = PlatformCommand.JsonOption();
        var command = new Command("lineage", "Show what a model version was trained on and how, and its gate decision.") { model, version, json };
        PlatformCommand.SetAction(command, context, async run =>
        {
            var v = await run.Client.GetJsonAsync(PlatformService.Registry, $"models/{PlatformCommand.Segment(run.Get(model))}/versions/{run.Get(version)}", run.Cancellation) ?? new JsonObject();
            if (run.Get(json))
            {
                Output.Json(run.Out, v);
                return 0;
            }
            var w = run.Out;
            var data = v["datasetVersion"];
            var gate = v["gate"];
            w.WriteLine($"{Output.Cell(v["model"])} v{Output.Cell(v["version"])}{(v["isChampion"] is JsonValue c && c.TryGetValue<bool>(out var champion) && champion ? " (champion)" : "")}");
            Output.Table(w, ["", ""],
            [
                ["artifact", Output.Cell(v["artifactHash"])],
                ["run", $"{Output.Cell(v["runId"])} ({Output.Cell(v["trigger"])}, trained {Output.Time(v["trainedAt"])})"],
                ["dataset", $"{Output.Cell(data?["dataset"])} v{Output.Cell(data?["number"])}, {Output.Cell(data?["rows"])} rows, {Output.Cell(data?["hash"])}"],
                ["definition", Output.Cell(v["definitionHash"])],
                ["task", $"{Output.Cell(v["task"])} on '{Output.Cell(v["target"])}', {Output.Cell(v["trainRows"])} training rows"],
                ["trainer", $"{Output.Cell(v["trainer"])} {Output.Pairs(v["params"])}"],
                ["seed", Output.Cell(v["seed"])],
                ["code", Output.Cell(v["codeVersion"])],
                ["metrics", Output.Pairs(v["metrics"])],
                ["gate", $"{Output.Cell(gate?["decision"])}: {Output.Cell(gate?["reason"])}"],
            ]);
            w.WriteLine("batches:");
            Output.Table(w, ["  HASH", "ROWS"], Output.Items(data?["batches"]).Select(b => new[] { "  " + Output.Cell(b["hash"]), Output.Cell(b["rows"]) }));
            return 0;
        });
        return command;
    }
}

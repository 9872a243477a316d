using System.CommandLine;
using System.Text.Json.Nodes;

namespace MlOps.Cli.Platform;

/// <summary><c>mlops models [MODEL]</c>: registered models and their champions, or one model's versions (Registry).</summary>
internal static class ModelsCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Argument<string?>("model") { Description = "A model: list its versions.", Arity = ArgumentArity.ZeroOrOne };
        var json = PlatformCommand.JsonOption();
        var command = new Command("models", "List registered models, or one model's versions with their gate decisions.") { model, json };
        PlatformCommand.SetAction(command, context, async run =>
        {
            var name = run.Get(model);
            if (name is null)
            {
                var models = await run.Client.GetJsonAsync(PlatformService.Registry, "models", run.Cancellation);
                if (run.Get(json))
                    Output.Json(run.Out, models);
                else
                    Output.Table(run.Out, ["MODEL", "CHAMPION", "SCORE", "VERSIONS", "AWAITING APPROVAL", "UPDATED"], Output.Items(models).Select(m => new[]
                    {
                        Output.Cell(m["model"]), m["champion"] is { } c ? "v" + Output.Cell(c["version"]) : "-",
                        m["champion"] is { } s ? $"{Output.Cell(s["metric"])}={Output.Cell(s["score"])}" : "-",
                        Output.Cell(m["versions"]), Awaiting(m), Output.Time(m["updatedAt"]),
                    }));
                return 0;
            }
            var segment = PlatformCommand.Segment(name);
            var summary = await run.Client.GetJsonAsync(PlatformService.Registry, $"models/{segment}", run.Cancellation) as JsonObject ?? [];
            var versions = await run.Client.GetJsonAsync(PlatformService.Registry, $"models/{segment}/versions", run.Cancellation);
            if (run.Get(json))
            {
                summary["versionList"] = versions?.DeepClone();
                Output.Json(run.Out, summary);
                return 0;
            }
            var champion = summary["champion"];
            run.Out.WriteLine(champion is null
                ? $"{name}: no champion{(Awaiting(summary) is "-" ? "" : $"; awaiting approval: {Awaiting(summary)}")}"
                : $"{name}: champion v{Output.Cell(champion["version"])} ({Output.Cell(champion["metric"])}={Output.Cell(champion["score"])}, since {Output.Time(champion["promotedAt"])})");
            Output.Table(run.Out, ["VERSION", "CHAMPION", "GATE", "TRAINER", "DATASET", "METRICS", "TRIGGER", "REGISTERED"], Output.Items(versions).Select(v => new[]
            {
                "v" + Output.Cell(v["version"]), v["isChampion"] is JsonValue ic && ic.TryGetValue<bool>(out var isChampion) && isChampion ? "*" : "",
                Output.Cell(v["gate"]?["decision"]), Output.Cell(v["trainer"]),
                $"{Output.Cell(v["datasetVersion"]?["dataset"])} v{Output.Cell(v["datasetVersion"]?["number"])}",
                Output.Pairs(v["metrics"]), Output.Cell(v["trigger"]), Output.Time(v["registeredAt"]),
            }));
            return 0;
        });
        return command;
    }

    static string Awaiting(JsonNode m) =>
        m["awaitingApproval"] is JsonArray a && a.Count > 0 ? string.Join(", ", a.Select(v => "v" + Output.Cell(v))) : "-";
}

using System.CommandLine;
using System.Text.Json.Nodes;

namespace MlOps.Cli.Platform;

/// <summary>
/// <c>mlops apply pipeline.yaml|json</c>: defines or updates a pipeline (Training <c>PUT /pipelines/{name}</c>). The
/// file's <c>name</c> field names the pipeline, else its file name without extension.
/// </summary>
internal static class ApplyCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "Pipeline definition (.yaml, .yml or .json)." };
        var json = PlatformCommand.JsonOption();
        var command = new Command("apply", "Define or update a pipeline from a YAML or JSON file.") { file, json };
        PlatformCommand.SetAction(command, context, async run =>
        {
            var path = run.Get(file);
            var (name, definition) = Read(path);
            using var content = new StringContent(definition.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
            using var response = await run.Client.SendAsync(PlatformService.Training, HttpMethod.Put, $"pipelines/{PlatformCommand.Segment(name)}", content, ct: run.Cancellation);
            var body = await PlatformClient.ReadJsonAsync(PlatformService.Training, response, run.Cancellation) as JsonObject ?? [];
            var result = response.StatusCode == System.Net.HttpStatusCode.Created ? "created"
                : body["changed"] is JsonValue changed && changed.TryGetValue<bool>(out var c) && !c ? "unchanged" : "updated";
            if (run.Get(json))
            {
                body["result"] = result;
                Output.Json(run.Out, body);
            }
            else
                run.Out.WriteLine($"pipeline {name} {result}: revision {Output.Cell(body["revision"])}, definition {Output.Cell(body["definitionHash"])}");
            return 0;
        });
        return command;
    }

    /// <summary>The pipeline's name and its definition as JSON, from a YAML or JSON file.</summary>
    public static (string Name, JsonObject Definition) Read(string path)
    {
        if (!File.Exists(path))
            throw new CliException($"Pipeline file '{path}' does not exist.");
        var text = File.ReadAllText(path);
        var ext = Path.GetExtension(path).ToLowerInvariant();
        JsonNode? node;
        if (ext is ".yaml" or ".yml")
            node = YamlJson.Convert(text, path);
        else
        {
            try { node = JsonNode.Parse(text); }
            catch (System.Text.Json.JsonException e) { throw new CliException($"{path} is not valid JSON: {e.Message}"); }
        }
        if (node is not JsonObject definition)
            throw new CliException($"{path} does not hold a pipeline definition (a mapping of dataset, task, target, trainer, …).");
        var name = definition["name"] is JsonValue v && v.TryGetValue<string>(out var own) && own.Length > 0 ? own : Path.GetFileNameWithoutExtension(path);
        return (name, definition);
    }
}

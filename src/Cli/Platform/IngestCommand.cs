using System.CommandLine;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace MlOps.Cli.Platform;

/// <summary>
/// <c>mlops ingest FILE|FOLDER --dataset NAME</c>: streams each CSV or NDJSON file to Ingestion
/// (<c>POST /datasets/{dataset}/batches</c>), one batch per file, with a progress bar on standard error.
/// </summary>
internal static class IngestCommand
{
    static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".csv"] = "text/csv",
        [".ndjson"] = "application/x-ndjson",
        [".jsonl"] = "application/x-ndjson",
    };

    public static Command Create(CliContext context)
    {
        var path = new Argument<string>("path") { Description = "A CSV or NDJSON file, or a folder: each .csv, .ndjson and .jsonl file in it (by name) is one batch." };
        var dataset = new Option<string>("--dataset") { Description = "The dataset the batches belong to.", Required = true };
        var json = PlatformCommand.JsonOption();
        var command = new Command("ingest", "Send data files to the platform as batches of a dataset.") { path, dataset, json };
        PlatformCommand.SetAction(command, context, async run =>
        {
            var files = Files(run.Get(path));
            var name = run.Get(dataset);
            var accepted = new JsonArray();
            foreach (var file in files)
            {
                var batch = await SendAsync(run, name, file);
                batch["file"] = file;
                accepted.Add(batch);
            }
            if (run.Get(json))
                Output.Json(run.Out, accepted);
            else
                Output.Table(run.Out, ["FILE", "BATCH", "ROWS", "STATUS", "CONTENT HASH"], accepted.Select(b => new[]
                {
                    Path.GetFileName(Output.Cell(b!["file"])), Output.Cell(b["batchId"]), Output.Cell(b["rows"]),
                    Output.Cell(b["status"]) + (b["duplicate"] is JsonValue d && d.TryGetValue<bool>(out var dup) && dup ? " (duplicate)" : ""),
                    Output.Hash(b["contentHash"]),
                }));
            run.Error.WriteLine($"{accepted.Count} batch{(accepted.Count == 1 ? "" : "es")} accepted into dataset {name}");
            return 0;
        });
        return command;
    }

    static async Task<JsonObject> SendAsync(Invocation run, string dataset, string file)
    {
        var stream = File.OpenRead(file);
        var length = stream.Length;
        var progress = new ProgressStream(stream, length, Path.GetFileName(file), run.Error);
        using var content = new StreamContent(progress, 81920);
        content.Headers.ContentType = new MediaTypeHeaderValue(ContentTypes[Path.GetExtension(file)]);
        content.Headers.ContentLength = length;
        try
        {
            using var response = await run.Client.SendAsync(PlatformService.Ingestion, HttpMethod.Post, $"datasets/{PlatformCommand.Segment(dataset)}/batches", content, ct: run.Cancellation);
            return await PlatformClient.ReadJsonAsync(PlatformService.Ingestion, response, run.Cancellation) as JsonObject
                   ?? throw new PlatformException($"Ingestion accepted {file} but answered without a batch.");
        }
        catch (PlatformException e)
        {
            progress.Finish();
            throw new PlatformException($"{file} was not ingested: {e.Message}", e.Status);
        }
    }

    /// <summary>The file itself, or the folder's data files in name order; anything else is an error before anything is sent.</summary>
    public static IReadOnlyList<string> Files(string path)
    {
        if (File.Exists(path))
        {
            if (!ContentTypes.ContainsKey(Path.GetExtension(path)))
                throw new CliException($"'{path}' is not a .csv, .ndjson or .jsonl file.");
            return [path];
        }
        if (!Directory.Exists(path))
            throw new CliException($"'{path}' is neither a file nor a folder.");
        var files = Directory.EnumerateFiles(path).Where(f => ContentTypes.ContainsKey(Path.GetExtension(f))).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
            throw new CliException($"Folder '{path}' holds no .csv, .ndjson or .jsonl files.");
        return files;
    }
}

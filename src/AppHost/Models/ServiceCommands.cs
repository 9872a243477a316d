using System.Net.Http.Headers;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace MlOps.AppHost.Models;

/// <summary>
/// The dashboard's commands on the services: replay the messages parked in a service's error queues (every service;
/// how many are parked is the service's "Parked messages" property), and ingest a file of the demo data (Ingestion).
/// </summary>
static class ServiceCommands
{
    public const string Replay = "mlops-replay";
    public const string Ingest = "mlops-ingest";
    public const string ParkedProperty = "mlops.parked";

    public static IResourceBuilder<T> WithReplayCommand<T>(this IResourceBuilder<T> builder, string service, PlatformApi api, OpsAudit audit) where T : IResource =>
        builder.WithCommand(Replay, "Replay parked messages", async c =>
        {
            try
            {
                var queues = await api.Watch(service, "/admin/error-queues", c.CancellationToken);
                var parked = Parked(queues).Where(q => q.Messages > 0).ToList();
                if (parked.Count == 0)
                    return CommandResults.Success($"No messages are parked in {service}'s error queues.");
                var replayed = new List<string>();
                foreach (var (queue, _) in parked)
                {
                    var answer = await api.Act(HttpMethod.Post, service, $"/admin/error-queues/{queue}/replay", content: null, c.CancellationToken);
                    replayed.Add($"{queue}: {ModelView.Int(answer, "replayed")}");
                }
                var detail = string.Join(", ", replayed);
                audit.Record(c.Logger, service, "replay", detail, api.User);
                return CommandResults.Success($"Replayed to {service}: {detail}.");
            }
            catch (HttpRequestException e)
            {
                return CommandResults.Failure(e.Message);
            }
        }, new CommandOptions
        {
            Description = "Move every message parked in this service's error queues back to its queue (POST /admin/error-queues/{queue}/replay).",
            ConfirmationMessage = $"Move every message parked in {service}'s error queues back to be handled again?",
            IconName = "ArrowReply",
            UpdateState = c => c.ResourceSnapshot.State?.Text == KnownResourceStates.Running ? ResourceCommandState.Enabled : ResourceCommandState.Disabled,
        });

    /// <summary>Each endpoint's error queue and how many messages it holds (<c>GET /admin/error-queues</c>).</summary>
    public static IEnumerable<(string Queue, long Messages)> Parked(JsonElement? queues) =>
        queues is { ValueKind: JsonValueKind.Array } list
            ? list.EnumerateArray().Select(q => (ModelView.Str(q, "queue") ?? "?", q.TryGetProperty("messages", out var m) ? m.GetInt64() : 0))
            : [];

    /// <summary>Ingest one file of <paramref name="dataFolder"/>, chosen in the dashboard, as a batch of a named dataset.</summary>
    public static IResourceBuilder<T> WithIngestCommand<T>(this IResourceBuilder<T> builder, string dataFolder, PlatformApi api, OpsAudit audit) where T : IResource
    {
        var files = Directory.Exists(dataFolder)
            ? Directory.EnumerateFiles(dataFolder).Where(f => Path.GetExtension(f) is ".csv" or ".ndjson" or ".jsonl").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList()
            : [];
        return builder.WithCommand(Ingest, "Ingest a demo file…", async c =>
        {
            var file = c.Arguments.GetString("file");
            var dataset = c.Arguments.GetString("dataset")?.Trim();
            if (file is null || !files.Contains(file))
                return CommandResults.Failure($"'{file}' is not one of the demo files in {dataFolder}.");
            if (string.IsNullOrEmpty(dataset))
                return CommandResults.Failure("Name the dataset the batch belongs to.");
            try
            {
                await using var stream = File.OpenRead(Path.Combine(dataFolder, file));
                using var content = new StreamContent(stream);
                content.Headers.ContentType = new MediaTypeHeaderValue(Path.GetExtension(file) == ".csv" ? "text/csv" : "application/x-ndjson");
                var batch = await api.Act(HttpMethod.Post, "ingestion", $"/datasets/{Uri.EscapeDataString(dataset)}/batches", content, c.CancellationToken);
                var detail = $"{file} → dataset {dataset}: batch {ModelView.Str(batch, "batchId")}, {batch.GetProperty("rows")} rows" +
                    (batch.TryGetProperty("duplicate", out var d) && d.ValueKind == JsonValueKind.True ? " (the same content was ingested before)" : "");
                audit.Record(c.Logger, "ingestion", "ingest", detail, api.User);
                return CommandResults.Success($"Ingested {detail}.");
            }
            catch (HttpRequestException e)
            {
                return CommandResults.Failure(e.Message);
            }
        }, new CommandOptions
        {
            Description = $"Send one file of the demo data ({dataFolder}) to Ingestion as a batch (POST /datasets/{{dataset}}/batches).",
            ConfirmationMessage = "Send a demo file to Ingestion as a new batch? Pipelines on its dataset may train on it.",
            IconName = "DocumentArrowUp",
            UpdateState = c => c.ResourceSnapshot.State?.Text == KnownResourceStates.Running && files.Count > 0 ? ResourceCommandState.Enabled : ResourceCommandState.Disabled,
            Arguments =
            [
                new InteractionInput
                {
                    Name = "file", Label = "File", InputType = InputType.Choice, Required = true,
                    Options = [.. files.Select(f => new KeyValuePair<string, string>(f!, f!))],
                },
                new InteractionInput { Name = "dataset", Label = "Dataset", InputType = InputType.Text, Required = true, Placeholder = "weather" },
            ],
        });
    }
}

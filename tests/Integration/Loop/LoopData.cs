using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlOps.Contracts;
using MlOps.Tests.Integration.Infrastructure;

namespace MlOps.Tests.Integration.Loop;

/// <summary>Pipelines, dataset versions and polling helpers for the loop tests.</summary>
public static class LoopData
{
    public static string Name(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..10]}";

    public static readonly Lazy<string[]> WeatherLines = new(() => File.ReadAllLines(RepoPaths.TestData("seattle-weather.csv")));

    /// <summary>The weather CSV's header plus rows [from, to) of its data rows.</summary>
    public static string WeatherCsv(int from, int to) =>
        string.Join("\n", WeatherLines.Value.Take(1).Concat(WeatherLines.Value.Skip(1 + from).Take(to - from))) + "\n";

    /// <summary>A definition for the weather data with the given gbdt hyperparameters; the tests keep trees few.</summary>
    public static JsonObject WeatherPipeline(string dataset, int trees, double learningRate = 0.1, int minNewRows = 100, int leaves = 8, int cooldownSeconds = 0) => new()
    {
        ["dataset"] = dataset,
        ["task"] = "multiclass",
        ["target"] = "weather",
        ["exclude"] = new JsonArray("date"),
        ["trainer"] = new JsonObject { ["name"] = "gbdt", ["params"] = new JsonObject { ["trees"] = trees, ["learningRate"] = learningRate, ["leaves"] = leaves } },
        ["split"] = new JsonObject { ["by"] = "random", ["holdout"] = 0.2, ["seed"] = 42 },
        ["retrain"] = new JsonObject { ["minNewRows"] = minNewRows, ["onDrift"] = true, ["cooldownSeconds"] = cooldownSeconds },
        ["promotion"] = new JsonObject { ["metric"] = "accuracy", ["minImprovement"] = 0.0, ["minScore"] = null, ["requireApproval"] = false },
    };

    public static async Task<HttpResponseMessage> PutPipelineAsync(LoopServices loop, string name, JsonNode definition) =>
        await loop.Training.Client.PutAsync($"pipelines/{name}", new StringContent(definition.ToJsonString(), Encoding.UTF8, "application/json"));

    /// <summary>
    /// Stores the batches in the blob store and publishes the dataset version as Ingestion would.
    /// TODO(ingestion): once Ingestion publishes DatasetVersionCreated, post the batches to Ingestion instead
    /// (Batches.PostAndWaitAsync) and let the real version event trigger the run.
    /// </summary>
    public static async Task<DatasetVersionCreated> PublishVersionAsync(LoopServices loop, string dataset, int number, params string[] csvBatches)
    {
        var hashes = new List<string>();
        var rows = new List<long>();
        foreach (var csv in csvBatches)
        {
            using var content = new MemoryStream(Encoding.UTF8.GetBytes(csv));
            hashes.Add((await loop.Blobs.PutAsync(content)).Key);
            rows.Add(csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1);
        }
        var version = new DatasetVersionCreated(dataset, number, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', hashes)))),
            hashes, rows, rows.Sum(), Guid.NewGuid(), DateTimeOffset.UtcNow);
        await loop.Bus.Publish(version);
        return version;
    }

    /// <summary>Polls <paramref name="get"/> until <paramref name="done"/> holds, failing with the last answer after the timeout.</summary>
    public static async Task<JsonElement> PollAsync(HttpClient client, string path, Func<JsonElement, bool> done, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            using var response = await client.GetAsync(path);
            last = await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode)
            {
                var body = JsonDocument.Parse(last).RootElement.Clone();
                if (done(body))
                    return body;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"GET {path} did not reach the expected state within {seconds} s; last answer: {last}");
    }

    public static Task<JsonElement> VersionAsync(LoopServices loop, string model, int version, int seconds = 60) =>
        PollAsync(loop.Registry.Client, $"models/{model}/versions/{version}", _ => true, seconds);

    public static async Task<JsonElement> FinishedRunAsync(LoopServices loop, Guid runId) =>
        await PollAsync(loop.Training.Client, $"runs/{runId}", r => r.GetProperty("status").GetString() is "succeeded" or "failed");

    public static async Task<Guid> RequestRunAsync(LoopServices loop, string pipeline)
    {
        using var response = await loop.Training.Client.PostAsync($"pipelines/{pipeline}/runs", null);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, $"expected 202, got {(int)response.StatusCode}: {body}");
        return body.GetProperty("runId").GetGuid();
    }
}

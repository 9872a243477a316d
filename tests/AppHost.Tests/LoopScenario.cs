using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlOps.Tests.AppHost;

/// <summary>What a run of <see cref="LoopScenario"/> made: its model (= pipeline), its dataset and the champion it ended with.</summary>
public sealed record LoopOutcome(string Model, string Dataset, int Champion);

/// <summary>
/// The continuous-training loop through the real composition, every service its own process on the real broker and
/// database: Seattle data trains the first champion, Seattle predictions show no drift, New York predictions do, the
/// New York data retrains, and the new champion serves with lineage back to the batches it learnt from.
/// </summary>
public static class LoopScenario
{
    static readonly TimeSpan Step = TimeSpan.FromSeconds(180);

    public static async Task<LoopOutcome> RunAsync(PlatformFixture platform)
    {
        await platform.WaitAllHealthyAsync();
        using var ingestion = platform.Client("ingestion");
        using var training = platform.Client("training");
        using var registry = platform.Client("registry");
        using var serving = platform.Client("serving");
        using var monitoring = platform.Client("monitoring");
        var id = Guid.NewGuid().ToString("N")[..6];
        var model = "weather-loop-" + id;
        var dataset = "weather-" + id;

        var definition = new JsonObject
        {
            // The night's low from the day's high, rain and wind: a relation that differs between climates (New York's
            // winters go far below anything Seattle's data shows), unlike the weather label, which rain alone mostly decides.
            ["dataset"] = dataset, ["task"] = "regression", ["target"] = "temp_min", ["exclude"] = new JsonArray("date", "weather"),
            ["trainer"] = new JsonObject { ["name"] = "gbdt", ["params"] = new JsonObject { ["trees"] = 40 } },
            ["split"] = new JsonObject { ["by"] = "random", ["holdout"] = 0.25, ["seed"] = 7 },
            ["retrain"] = new JsonObject { ["minNewRows"] = 500, ["onDrift"] = true, ["cooldownSeconds"] = 0 },
            ["promotion"] = new JsonObject { ["metric"] = "rmse", ["minImprovement"] = 0.0 },
            // A year per window. Seattle itself warmed after 2013 (its temperatures differ at p < 0.01 by
            // Kolmogorov-Smirnov), so a stricter p-value separates a warm year from another climate.
            ["drift"] = new JsonObject { ["windowRows"] = 365, ["ksPValue"] = 0.001, ["driftShare"] = 0.5 },
        };
        using (var put = await training.PutAsJsonAsync($"/pipelines/{model}", definition))
            Assert.True(put.IsSuccessStatusCode, $"PUT pipeline: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync()}");

        // Seattle 2012 and 2013, two labelled batches: enough new rows for the first run.
        var weather = await File.ReadAllLinesAsync(PlatformFixture.RepoFile("tests", "data", "weather.csv"));
        var header = weather[0].Split(',');
        string[] Rows(string location, string yearPrefix) =>
            [.. weather.Skip(1).Where(l => l.StartsWith(location + "," + yearPrefix, StringComparison.Ordinal))];
        var seattleBatches = new List<string>();
        foreach (var year in new[] { "2012", "2013" })
            seattleBatches.Add(await IngestAsync(ingestion, dataset, header, Rows("Seattle", year)));

        var v1 = await WaitChampionAsync(registry, model, v => v >= 1);
        // Serving hears of the promotion over the bus: it answers 404 until then.
        var predicted = (await WaitAsync(() => TryPredictAsync(serving, model, header, Rows("Seattle", "2014")), "Serving's first champion"))!.Value;
        Assert.Equal(v1, predicted.GetProperty("version").GetInt32());
        Assert.Equal(365, predicted.GetProperty("predictionIds").GetArrayLength());
        Assert.All(predicted.GetProperty("predictions").EnumerateArray(), p => Assert.InRange(p.GetProperty("value").GetDouble(), -30, 40));

        // Seattle's next year looks like the data the champion learnt from: its window shows no drift.
        var seattleWindow = await WaitAsync(async () =>
        {
            var drift = await monitoring.GetFromJsonAsync<JsonElement>($"/models/{model}/drift");
            return drift.GetProperty("windows").EnumerateArray().Cast<JsonElement?>().FirstOrDefault();
        }, "a first drift window of Seattle predictions");
        Assert.False(seattleWindow!.Value.GetProperty("driftDetected").GetBoolean(), $"Seattle 2014 drifted: {seattleWindow}");

        // New York is another climate: served there, the model's inputs drift.
        await PredictAsync(serving, model, header, Rows("New York", "2014"));
        var drifted = await WaitAsync(async () =>
        {
            var drift = await monitoring.GetFromJsonAsync<JsonElement>($"/models/{model}/drift");
            return drift.GetProperty("windows").EnumerateArray().Where(w => w.GetProperty("driftDetected").GetBoolean()).Cast<JsonElement?>().FirstOrDefault();
        }, "a drifted window of New York predictions");
        Assert.Contains(drifted!.Value.GetProperty("features").EnumerateArray(), f => f.GetProperty("drifted").GetBoolean());

        // Labelled New York data arrives; the retrain that follows learns it, passes the gate and is served.
        var newYorkBatch = await IngestAsync(ingestion, dataset, header, [.. Rows("New York", "2012"), .. Rows("New York", "2013")]);
        var seen = "";
        var champion = await WaitAsync(async () =>
        {
            var m = await registry.GetFromJsonAsync<JsonElement>($"/models/{model}");
            if (m.GetProperty("champion").ValueKind != JsonValueKind.Object)
                return null;
            var version = m.GetProperty("champion").GetProperty("version").GetInt32();
            var lineage = await registry.GetFromJsonAsync<JsonElement>($"/models/{model}/versions/{version}");
            var versions = await registry.GetFromJsonAsync<JsonElement>($"/models/{model}/versions");
            var runs = await training.GetFromJsonAsync<JsonElement>($"/runs?pipeline={model}");
            seen = $"champion v{version}; versions: {string.Join("; ", versions.EnumerateArray().Select(v => $"v{v.GetProperty("version")} {v.GetProperty("gate")}"))}; runs: {string.Join("; ", runs.EnumerateArray().Select(r => $"{r.GetProperty("status")} {r.GetProperty("trigger")} {r.GetProperty("error")} rows {r.GetProperty("trainRows")}"))}";
            var batches = lineage.GetProperty("datasetVersion").GetProperty("batches").EnumerateArray().Select(b => b.GetProperty("hash").GetString()).ToList();
            return batches.Contains(newYorkBatch) ? lineage : (JsonElement?)null;
        }, "a champion trained on the New York batch", () => seen);
        var newVersion = champion!.Value.GetProperty("version").GetInt32();
        Assert.True(newVersion > v1);
        Assert.Equal("promoted", champion.Value.GetProperty("gate").GetProperty("decision").GetString());

        // Serving swaps it in; a prediction names the new version, whose lineage leads back to every batch hash.
        var served = await WaitAsync(async () =>
        {
            var answer = await PredictAsync(serving, model, header, Rows("New York", "2015").Take(5).ToArray());
            return answer.GetProperty("version").GetInt32() == newVersion ? answer : (JsonElement?)null;
        }, $"predictions by version {newVersion}");
        Assert.Equal(5, served!.Value.GetProperty("predictionIds").GetArrayLength());
        var lineageBatches = champion.Value.GetProperty("datasetVersion").GetProperty("batches").EnumerateArray().Select(b => b.GetProperty("hash").GetString()).ToList();
        Assert.All(seattleBatches.Append(newYorkBatch), hash => Assert.Contains(hash, lineageBatches));
        return new LoopOutcome(model, dataset, newVersion);
    }

    /// <summary>Posts rows as a CSV batch without the location column (the dataset's schema); returns the batch's content hash once validated.</summary>
    static async Task<string> IngestAsync(HttpClient ingestion, string dataset, string[] header, string[] rows)
    {
        var csv = new StringBuilder(string.Join(',', header.Skip(1))).Append('\n');
        foreach (var row in rows)
            csv.Append(row[(row.IndexOf(',') + 1)..]).Append('\n');
        var batchId = await PlatformTests.PostAsync(ingestion, dataset, csv.ToString());
        var batch = await PlatformTests.WaitDecidedAsync(ingestion, dataset, batchId, Step);
        Assert.Equal("validated", batch.GetProperty("status").GetString());
        return batch.GetProperty("contentHash").GetString()!;
    }

    static async Task<JsonElement> PredictAsync(HttpClient serving, string model, string[] header, string[] rows) =>
        await TryPredictAsync(serving, model, header, rows) ?? throw new InvalidOperationException($"{model} has no champion in Serving");

    /// <summary>The answer, or null while Serving has no champion of the model (404).</summary>
    static async Task<JsonElement?> TryPredictAsync(HttpClient serving, string model, string[] header, string[] rows)
    {
        var body = new JsonArray();
        foreach (var row in rows)
        {
            var cells = row.Split(',');
            var obj = new JsonObject();
            for (var c = 0; c < header.Length; c++)
                obj[header[c]] = header[c] is "location" or "date" or "weather" ? cells[c] : double.Parse(cells[c], System.Globalization.CultureInfo.InvariantCulture);
            body.Add(obj);
        }
        using var response = await serving.PostAsJsonAsync($"/models/{model}/predict", new JsonObject { ["rows"] = body });
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode == HttpStatusCode.NotFound)
            return null;
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"predict: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    static async Task<int> WaitChampionAsync(HttpClient registry, string model, Func<int, bool> accept) =>
        (await WaitAsync(async () =>
        {
            using var response = await registry.GetAsync($"/models/{model}");
            if (!response.IsSuccessStatusCode)
                return null;
            var m = await response.Content.ReadFromJsonAsync<JsonElement>();
            return m.GetProperty("champion") is { ValueKind: JsonValueKind.Object } c && accept(c.GetProperty("version").GetInt32())
                ? c.GetProperty("version").GetInt32()
                : (int?)null;
        }, $"a champion of {model}"))!.Value;

    static async Task<T?> WaitAsync<T>(Func<Task<T?>> probe, string what, Func<string>? state = null) where T : struct
    {
        var deadline = DateTime.UtcNow + Step;
        while (true)
        {
            try
            {
                if (await probe() is { } found)
                    return found;
            }
            catch (HttpRequestException)
            {
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"no {what} within {Step.TotalSeconds} s. {state?.Invoke()}");
            await Task.Delay(500);
        }
    }
}

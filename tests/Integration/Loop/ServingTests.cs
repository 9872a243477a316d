using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using MlOps.Contracts;
using MlOps.Learning;
using MlOps.Learning.Artifacts;
using MlOps.Learning.Data;
using MlOps.Learning.Trainers;
using MlOps.Serving.Data;
using MlOps.Serving.Logging;
using MlOps.Tests.Integration.Infrastructure;

namespace MlOps.Tests.Integration.Loop;

/// <summary>
/// Serving with Training and Registry as real processes: champions trained on the weather data are served, swapped
/// under load without a failed request, survive a restart, and every prediction is logged and announced.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class ServingTests(InfrastructureFixture infra, ServingStack stack) : IClassFixture<ServingStack>
{
    static readonly string[] Classes = ["drizzle", "fog", "rain", "snow", "sun"];
    static readonly string[] Features = ["precipitation", "temp_max", "temp_min", "wind"];

    HttpClient Serving => stack.Serving.Client;

    /// <summary>Weather rows [from, to) as predict rows: the four features, plus the date and the label (extra properties, ignored).</summary>
    static JsonArray WeatherRows(int from, int to)
    {
        var rows = new JsonArray();
        foreach (var line in LoopData.WeatherLines.Value.Skip(1 + from).Take(to - from))
        {
            var f = line.Split(',');
            rows.Add(new JsonObject
            {
                ["date"] = f[0],
                ["precipitation"] = double.Parse(f[1], CultureInfo.InvariantCulture),
                ["temp_max"] = double.Parse(f[2], CultureInfo.InvariantCulture),
                ["temp_min"] = double.Parse(f[3], CultureInfo.InvariantCulture),
                ["wind"] = double.Parse(f[4], CultureInfo.InvariantCulture),
                ["weather"] = f[5],
            });
        }
        return rows;
    }

    Task<HttpResponseMessage> PredictAsync(string model, JsonNode rows) =>
        Serving.PostAsync($"models/{model}/predict", new StringContent(new JsonObject { ["rows"] = rows.DeepClone() }.ToJsonString(), Encoding.UTF8, "application/json"));

    static JsonObject WithShadow(JsonObject definition, double share)
    {
        definition["serving"] = new JsonObject { ["shadowShare"] = share };
        return definition;
    }

    /// <summary>Defines the pipeline, publishes all the weather data, and waits until Serving serves version 1.</summary>
    async Task ChampionAsync(string name, string dataset, JsonObject definition)
    {
        using (var put = await LoopData.PutPipelineAsync(stack.Loop, name, definition))
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        await LoopData.PublishVersionAsync(stack.Loop, dataset, 1, LoopData.WeatherCsv(0, 1461));
        var v1 = await LoopData.VersionAsync(stack.Loop, name, 1);
        Assert.Equal("promoted", v1.GetProperty("gate").GetProperty("decision").GetString());
        await ServedAsync(name, 1);
    }

    Task<JsonElement> ServedAsync(string name, int version, int seconds = 30) =>
        LoopData.PollAsync(Serving, $"models/{name}", m => m.GetProperty("champion") is { ValueKind: JsonValueKind.Object } c && c.GetProperty("version").GetInt32() == version, seconds);

    static async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    async Task<List<JsonElement>> LogLinesAsync(Func<PredictionsLogged, bool> which, ICollection<Guid> ids, int seconds = 20)
    {
        var lines = new Dictionary<Guid, JsonElement>();
        var read = new HashSet<string>();
        await Eventually.UntilAsync(async () =>
        {
            foreach (var logged in stack.Logged.Where(which).Where(l => read.Add(l.BlobRef)))
            {
                await using var blob = await stack.Blobs.OpenReadAsync(logged.BlobRef);
                using var text = new StreamReader(blob);
                var content = await text.ReadToEndAsync();
                var windowLines = content.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                Assert.Equal(logged.Count, windowLines.Length);
                Assert.EndsWith("\n", content);
                foreach (var line in windowLines)
                {
                    var element = JsonDocument.Parse(line).RootElement.Clone();
                    lines[element.GetProperty("id").GetGuid()] = element;
                }
            }
            return ids.All(lines.ContainsKey);
        }, TimeSpan.FromSeconds(seconds), "the predictions' log lines");
        return [.. ids.Select(id => lines[id])];
    }

    [Fact]
    public async Task The_champion_answers_with_its_version_and_labels_and_bad_requests_get_a_problem_naming_what_is_wrong()
    {
        var name = LoopData.Name("serve");
        var dataset = LoopData.Name("seattle");
        await ChampionAsync(name, dataset, LoopData.WeatherPipeline(dataset, trees: 5));

        using (var response = await PredictAsync(name, WeatherRows(0, 3)))
        {
            var body = await OkAsync(response);
            Assert.Equal(name, body.GetProperty("model").GetString());
            Assert.Equal(1, body.GetProperty("version").GetInt32());
            var predictions = body.GetProperty("predictions").EnumerateArray().ToList();
            Assert.Equal(3, predictions.Count);
            foreach (var p in predictions)
            {
                Assert.Contains(p.GetProperty("label").GetString(), Classes);
                var probabilities = p.GetProperty("probabilities").EnumerateObject().ToList();
                Assert.Equal(Classes, probabilities.Select(x => x.Name));
                Assert.Equal(1.0, probabilities.Sum(x => x.Value.GetDouble()), 9);
                Assert.Equal(p.GetProperty("label").GetString(), probabilities.MaxBy(x => x.Value.GetDouble()).Name);
            }
            Assert.Equal(3, body.GetProperty("predictionIds").EnumerateArray().Select(i => i.GetGuid()).Distinct().Count());
        }

        var missing = WeatherRows(0, 3);
        missing[1]!.AsObject().Remove("wind");
        using (var response = await PredictAsync(name, missing))
        {
            var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.Equal(1, problem.GetProperty("row").GetInt32());
            Assert.Equal("wind", problem.GetProperty("column").GetString());
            Assert.StartsWith("Row 1: column 'wind' is missing.", problem.GetProperty("detail").GetString());
        }
        var wrongType = WeatherRows(0, 2);
        wrongType[0]!["temp_max"] = "warm";
        using (var response = await PredictAsync(name, wrongType))
        {
            var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.Equal("Row 0: column 'temp_max' must be a number or null, got a string.", problem.GetProperty("detail").GetString());
        }
        var nulls = WeatherRows(0, 1);
        nulls[0]!["wind"] = null;
        using (var response = await PredictAsync(name, nulls))
            Assert.Equal(1, (await OkAsync(response)).GetProperty("predictions").GetArrayLength());

        using (var response = await PredictAsync(LoopData.Name("nobody"), WeatherRows(0, 1)))
            Assert.Contains("has no champion yet", (await ProblemAsync(response, HttpStatusCode.NotFound)).GetProperty("detail").GetString());
        using (var response = await PredictAsync("bad name!", WeatherRows(0, 1)))
            await ProblemAsync(response, HttpStatusCode.BadRequest);
        using (var response = await PredictAsync(name, WeatherRows(0, 1001)))
            Assert.Contains("at most 1000", (await ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge)).GetProperty("detail").GetString());
        using (var response = await Serving.PostAsync($"models/{name}/predict", new StringContent("{\"rows\": [", Encoding.UTF8, "application/json")))
            await ProblemAsync(response, HttpStatusCode.BadRequest);
        using (var response = await Serving.PostAsync($"models/{name}/predict", new StringContent("{\"data\": []}", Encoding.UTF8, "application/json")))
            await ProblemAsync(response, HttpStatusCode.BadRequest);

        var openApi = await Serving.GetFromJsonAsync<JsonElement>("openapi/v1.json");
        var paths = openApi.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/models/{model}/predict", out var predict), paths.GetRawText());
        Assert.Contains("Every input column", predict.GetProperty("post").GetProperty("description").GetString());
        Assert.True(paths.TryGetProperty("/models/{model}/feedback", out _));
        Assert.False(paths.TryGetProperty("/bench/constant", out _), "the benchmark endpoint is mapped only when configured");
    }

    [Fact]
    public async Task Every_prediction_is_logged_in_the_documented_format_and_feedback_is_published()
    {
        var name = LoopData.Name("logged");
        var dataset = LoopData.Name("seattle");
        await ChampionAsync(name, dataset, LoopData.WeatherPipeline(dataset, trees: 3));
        var rows = WeatherRows(100, 105);
        using var response = await PredictAsync(name, rows);
        var body = await OkAsync(response);
        var ids = body.GetProperty("predictionIds").EnumerateArray().Select(i => i.GetGuid()).ToList();

        var lines = await LogLinesAsync(l => l.Model == name, ids);
        for (var i = 0; i < ids.Count; i++)
        {
            var line = lines[i];
            Assert.Equal(["id", "at", "version", "inputs", "prediction", "probabilities"], line.EnumerateObject().Select(p => p.Name));
            Assert.Equal(1, line.GetProperty("version").GetInt32());
            Assert.True(DateTimeOffset.UtcNow - line.GetProperty("at").GetDateTimeOffset() < TimeSpan.FromMinutes(1));
            Assert.EndsWith("Z", line.GetProperty("at").GetString());
            Assert.Equal(Features, line.GetProperty("inputs").EnumerateObject().Select(p => p.Name));
            foreach (var feature in Features)
                Assert.Equal(rows[i]![feature]!.GetValue<double>(), line.GetProperty("inputs").GetProperty(feature).GetDouble());
            var answered = body.GetProperty("predictions")[i];
            Assert.Equal(answered.GetProperty("label").GetString(), line.GetProperty("prediction").GetString());
            Assert.Equal(answered.GetProperty("probabilities").GetRawText(), line.GetProperty("probabilities").GetRawText());
        }
        var window = stack.Logged.First(l => l.Model == name);
        Assert.Equal(1, window.Version);
        Assert.False(window.Shadow);
        Assert.True(window.WindowStart <= window.WindowEnd);

        var feedback = new { items = new object[] { new { predictionId = ids[0], label = "rain" }, new { predictionId = ids[1], label = "sun" } } };
        using (var accepted = await Serving.PostAsync($"models/{name}/feedback", JsonContent.Create(feedback)))
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        await Eventually.UntilAsync(() => Task.FromResult(stack.Feedback.Any(f => f.Model == name)), TimeSpan.FromSeconds(15), "FeedbackReceived");
        var received = Assert.Single(stack.Feedback, f => f.Model == name);
        Assert.Equal([new FeedbackItem(ids[0], "rain"), new FeedbackItem(ids[1], "sun")], received.Items);

        var bad = new { items = new object[] { new { predictionId = ids[0], label = "rain" }, new { predictionId = "not-an-id", label = "sun" } } };
        using (var rejected = await Serving.PostAsync($"models/{name}/feedback", JsonContent.Create(bad)))
        {
            var problem = await ProblemAsync(rejected, HttpStatusCode.BadRequest);
            Assert.Equal(1, problem.GetProperty("item").GetInt32());
            Assert.StartsWith("Item 1: predictionId", problem.GetProperty("detail").GetString());
        }
        using (var unknown = await Serving.PostAsync($"models/{LoopData.Name("nobody")}/feedback", JsonContent.Create(feedback)))
            await ProblemAsync(unknown, HttpStatusCode.NotFound);

        // Many callers at once on one model: every item of every request is published, none twice.
        var concurrent = await Task.WhenAll(ids.Select(id => Serving.PostAsync($"models/{name}/feedback",
            JsonContent.Create(new { items = new[] { new { predictionId = id, label = "fog" } } }))));
        Assert.All(concurrent, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        await Eventually.UntilAsync(() => Task.FromResult(stack.Feedback.Count(f => f.Model == name) >= 1 + ids.Count), TimeSpan.FromSeconds(15), "every FeedbackReceived");
        await Task.Delay(500);
        var fog = stack.Feedback.Where(f => f.Model == name).SelectMany(f => f.Items).Where(i => i.Label == "fog").Select(i => i.PredictionId).ToList();
        Assert.Equal(ids.Order(), fog.Order());
    }

    [Fact]
    public async Task A_restarted_Serving_serves_the_champion_at_once_and_a_clean_stop_logs_every_open_window()
    {
        var name = LoopData.Name("restart");
        var dataset = LoopData.Name("seattle");
        await ChampionAsync(name, dataset, LoopData.WeatherPipeline(dataset, trees: 3));

        // Windows that would stay open for an hour: only the flush on shutdown can write them.
        await stack.RestartServingAsync(new Dictionary<string, string> { ["Serving__LogWindowAge"] = "01:00:00" });
        using (var first = await PredictAsync(name, WeatherRows(200, 204)))
        {
            var body = await OkAsync(first);
            Assert.Equal(1, body.GetProperty("version").GetInt32());
            var ids = body.GetProperty("predictionIds").EnumerateArray().Select(i => i.GetGuid()).ToList();
            await stack.RestartServingAsync();
            var lines = await LogLinesAsync(l => l.Model == name, ids);
            Assert.All(lines, l => Assert.Equal(1, l.GetProperty("version").GetInt32()));
        }
        using (var again = await PredictAsync(name, WeatherRows(0, 1)))
            Assert.Equal(1, (await OkAsync(again)).GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task A_new_champion_is_swapped_in_under_load_without_a_failed_request_and_a_rollback_is_served_too()
    {
        var name = LoopData.Name("swap");
        var dataset = LoopData.Name("seattle");
        await ChampionAsync(name, dataset, LoopData.WeatherPipeline(dataset, trees: 1, learningRate: 0.05, leaves: 2));

        var results = new System.Collections.Concurrent.ConcurrentQueue<(int Status, int Version, string Body)>();
        using var stop = new CancellationTokenSource();
        var row = WeatherRows(300, 301);
        var load = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await PredictAsync(name, row);
                var text = await response.Content.ReadAsStringAsync();
                var version = response.IsSuccessStatusCode ? JsonDocument.Parse(text).RootElement.GetProperty("version").GetInt32() : 0;
                results.Enqueue(((int)response.StatusCode, version, text));
            }
        })).ToList();

        // A better definition on the same data: the gate promotes version 2 while requests run.
        using (var put = await LoopData.PutPipelineAsync(stack.Loop, name, LoopData.WeatherPipeline(dataset, trees: 15)))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        await LoopData.RequestRunAsync(stack.Loop, name);
        var v2 = await LoopData.VersionAsync(stack.Loop, name, 2);
        Assert.Equal("promoted", v2.GetProperty("gate").GetProperty("decision").GetString());
        await Eventually.UntilAsync(() => Task.FromResult(results.Count(r => r.Version == 2) >= 50), TimeSpan.FromSeconds(30), "50 answers from version 2");
        await stop.CancelAsync();
        await Task.WhenAll(load);

        var all = results.ToList();
        Assert.All(all, r => Assert.True(r.Status == 200, $"a request failed during the swap: {r.Status} {r.Body}"));
        Assert.Contains(all, r => r.Version == 1);
        // Once version 2 answered, the requests that started after it all see version 2.
        Assert.All(all.TakeLast(20), r => Assert.Equal(2, r.Version));

        // Rollback: a person moves the champion back to version 1 in the registry.
        using (var rollback = await stack.Loop.Registry.Client.PostAsync($"models/{name}/aliases/champion", JsonContent.Create(new { version = 1, reason = "v2 misbehaves" })))
            Assert.Equal(HttpStatusCode.OK, rollback.StatusCode);
        await ServedAsync(name, 1);
        using (var response = await PredictAsync(name, row))
            Assert.Equal(1, (await OkAsync(response)).GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Concurrent_promotions_of_many_versions_end_with_the_registrys_last_promotion_served()
    {
        var name = LoopData.Name("promotions");
        var artifacts = new List<string>();
        foreach (var trees in new[] { 1, 2 })
        {
            var frame = TabularFrame.ReadCsv(new MemoryStream(Encoding.UTF8.GetBytes(LoopData.WeatherCsv(0, 400))), CsvReadOptions.Default);
            var model = Trainer.Train(frame, new TrainingSpec
            {
                Target = "weather", Task = TaskKind.Multiclass, Exclude = ["date"], MaxDegreeOfParallelism = 1,
                Parameters = new Dictionary<string, string> { ["trees"] = trees.ToString(CultureInfo.InvariantCulture), ["leaves"] = "4" },
            });
            artifacts.Add((await stack.Blobs.PutAsync(new MemoryStream(ModelArtifact.ToBytes(model)))).Key);
        }

        // The registry promoted versions 1…12 in order, then rolled back to 5: that last promotion must be what is served,
        // whatever order the events arrive in.
        var start = DateTimeOffset.UtcNow.AddMinutes(-10);
        var promotions = Enumerable.Range(1, 12)
            .Select(v => Promoted(name, v, v - 1, artifacts[v % 2], start.AddSeconds(v)))
            .Append(Promoted(name, 5, 12, artifacts[1], start.AddSeconds(30)))
            .OrderBy(_ => Random.Shared.Next()).ToList();
        await Task.WhenAll(promotions.Select(p => stack.Bus.Publish(p)));

        var served = await ServedAsync(name, 5);
        Assert.Equal(start.AddSeconds(30), served.GetProperty("promotedAt").GetDateTimeOffset());
        await Eventually.UntilAsync(async () => await Broker.QueueDepthAsync(stack.Messaging, "serve-champions") == 0, TimeSpan.FromSeconds(20), "every promotion consumed");
        await Task.Delay(500);
        served = await Serving.GetFromJsonAsync<JsonElement>($"models/{name}");
        Assert.Equal(5, served.GetProperty("champion").GetProperty("version").GetInt32());
        using var response = await PredictAsync(name, WeatherRows(0, 2));
        Assert.Equal(5, (await OkAsync(response)).GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Concurrent_registrations_and_definitions_end_with_the_latest_version_in_shadow_at_the_latest_share()
    {
        var name = LoopData.Name("candidates");
        var frame = TabularFrame.ReadCsv(new MemoryStream(Encoding.UTF8.GetBytes(LoopData.WeatherCsv(0, 300))), CsvReadOptions.Default);
        var artifact = (await stack.Blobs.PutAsync(new MemoryStream(ModelArtifact.ToBytes(Trainer.Train(frame, new TrainingSpec
        {
            Target = "weather", Task = TaskKind.Multiclass, Exclude = ["date"], MaxDegreeOfParallelism = 1,
            Parameters = new Dictionary<string, string> { ["trees"] = "1", ["leaves"] = "4" },
        }))))).Key;
        var start = DateTimeOffset.UtcNow.AddMinutes(-10);
        await stack.Bus.Publish(Promoted(name, 1, null, artifact, start));
        await ServedAsync(name, 1);

        // Versions 2…9 registered and four revisions of the definition, all at once and in any order: the latest
        // version is the shadow, and the share is the last revision's (0.5), not the largest or the last to arrive.
        var registered = Enumerable.Range(2, 8).Select(v => (object)new ModelRegistered(name, v, Guid.NewGuid(), artifact, new Dictionary<string, double>(),
            new DatasetVersion("d", "sha256:" + new string('a', 64), [], 0), Guid.NewGuid(), start.AddSeconds(v)));
        var defined = new[] { (0.9, 1), (0.2, 2), (0.5, 4), (1.0, 3) }.Select(x => (object)Defined(name, x.Item1, start.AddSeconds(x.Item2)));
        await Task.WhenAll(registered.Concat(defined).OrderBy(_ => Random.Shared.Next()).Select(e => stack.Bus.Publish(e)));

        var served = await LoopData.PollAsync(Serving, $"models/{name}",
            m => m.GetProperty("shadow") is { ValueKind: JsonValueKind.Object } sh && sh.GetProperty("version").GetInt32() == 9 && m.GetProperty("shadowShare").GetDouble() == 0.5, 30);
        await Eventually.UntilAsync(async () => await Broker.QueueDepthAsync(stack.Messaging, "track-serving-candidates") == 0
            && await Broker.QueueDepthAsync(stack.Messaging, "apply-serving-policy") == 0, TimeSpan.FromSeconds(20), "every event consumed");
        await Task.Delay(500);
        served = await Serving.GetFromJsonAsync<JsonElement>($"models/{name}");
        Assert.Equal(9, served.GetProperty("shadow").GetProperty("version").GetInt32());
        Assert.Equal(0.5, served.GetProperty("shadowShare").GetDouble());
        Assert.Equal(1, served.GetProperty("champion").GetProperty("version").GetInt32());

        // Half the requests go to the shadow too; the answers stay the champion's.
        for (var i = 0; i < 4; i++)
        {
            using var response = await PredictAsync(name, WeatherRows(i, i + 1));
            Assert.Equal(1, (await OkAsync(response)).GetProperty("version").GetInt32());
        }
        Assert.Equal(2, (await Serving.GetFromJsonAsync<JsonElement>($"models/{name}")).GetProperty("shadowCompared").GetInt64());
    }

    static PipelineDefined Defined(string name, double shadowShare, DateTimeOffset at) => new(
        name, "d", MlTask.Multiclass, "weather", [], ["date"], new TrainerSpec("gbdt", new Dictionary<string, double>()), new SplitSpec("random", 0.2, 42),
        new RetrainPolicy(100, false, 0), new PromotionPolicy("accuracy", 0), new DriftPolicy(500, 0.2, 0.05, 0.5), "sha256:" + new string('e', 64),
        Guid.NewGuid(), at, new ServingPolicy(shadowShare));

    static ModelPromoted Promoted(string model, int version, int? previous, string artifact, DateTimeOffset at) =>
        new(model, version, previous == 0 ? null : previous, artifact, "test", null, [], Guid.NewGuid(), at, "gate");

    [Fact]
    public async Task The_latest_non_champion_version_predicts_in_shadow_logged_apart_and_never_returned()
    {
        var name = LoopData.Name("shadow");
        var dataset = LoopData.Name("seattle");
        await ChampionAsync(name, dataset, WithShadow(LoopData.WeatherPipeline(dataset, trees: 15), 1.0));

        // A weaker version 2 is declined by the gate: it is the latest version, not the champion.
        using (var put = await LoopData.PutPipelineAsync(stack.Loop, name, WithShadow(LoopData.WeatherPipeline(dataset, trees: 1, learningRate: 0.05, leaves: 2), 1.0)))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        await LoopData.RequestRunAsync(stack.Loop, name);
        var v2 = await LoopData.VersionAsync(stack.Loop, name, 2);
        Assert.Equal("declined", v2.GetProperty("gate").GetProperty("decision").GetString());
        await LoopData.PollAsync(Serving, $"models/{name}", m => m.GetProperty("shadow") is { ValueKind: JsonValueKind.Object } s && s.GetProperty("version").GetInt32() == 2, 30);

        // Forty days spread over the four years: every season, every kind of weather.
        var days = new JsonArray([.. Enumerable.Range(0, 40).Select(i => WeatherRows(i * 36, i * 36 + 1)[0]!.DeepClone())]);
        using var response = await PredictAsync(name, days);
        var body = await OkAsync(response);
        Assert.Equal(1, body.GetProperty("version").GetInt32());
        var ids = body.GetProperty("predictionIds").EnumerateArray().Select(i => i.GetGuid()).ToList();

        var status = await Serving.GetFromJsonAsync<JsonElement>($"models/{name}");
        Assert.Equal(40, status.GetProperty("shadowCompared").GetInt64());
        var agreed = status.GetProperty("shadowAgreed").GetInt64();

        var shadowLines = await LogLinesAsync(l => l.Model == name && l.Shadow, ids);
        Assert.All(shadowLines, l => Assert.Equal(2, l.GetProperty("version").GetInt32()));
        var championLines = await LogLinesAsync(l => l.Model == name && !l.Shadow, ids);
        Assert.All(championLines, l => Assert.Equal(1, l.GetProperty("version").GetInt32()));
        var disagreements = shadowLines.Zip(championLines).Count(p => p.First.GetProperty("prediction").GetString() != p.Second.GetProperty("prediction").GetString());
        Assert.Equal(40 - agreed, disagreements);
        Assert.All(stack.Logged.Where(l => l.Model == name && l.Shadow), l => Assert.Equal(2, l.Version));
    }

    [Fact]
    public async Task Prediction_logs_older_than_the_retention_are_deleted_with_their_blobs()
    {
        var options = new DbContextOptionsBuilder<ServingDbContext>().UseNpgsql(await infra.CreateDatabaseAsync("servingdb")).Options;
        await using var db = new ServingDbContext(options);
        await db.Database.MigrateAsync();
        var now = DateTimeOffset.UtcNow;
        var windows = new List<PredictionWindow>();
        foreach (var age in new[] { 9, 8, 1 })
        {
            var blob = await stack.Blobs.PutAsync(new MemoryStream(Encoding.UTF8.GetBytes($"{{\"id\":\"{Guid.NewGuid()}\"}}\n")));
            windows.Add(new PredictionWindow
            {
                Id = Guid.NewGuid(), Model = "kept", Version = 1, WindowStart = now.AddDays(-age), WindowEnd = now.AddDays(-age).AddSeconds(5),
                Count = 1, BlobRef = blob.Key, CreatedAt = now.AddDays(-age),
            });
        }
        db.PredictionWindows.AddRange(windows);
        await db.SaveChangesAsync();

        var deleted = await LogRetention.DeleteExpiredAsync(db, stack.Blobs, now.AddDays(-7), CancellationToken.None);

        Assert.Equal(2, deleted);
        Assert.Equal([windows[2].Id], await db.PredictionWindows.Select(w => w.Id).ToListAsync());
        Assert.Null(await stack.Blobs.GetInfoAsync(windows[0].BlobRef));
        Assert.Null(await stack.Blobs.GetInfoAsync(windows[1].BlobRef));
        Assert.NotNull(await stack.Blobs.GetInfoAsync(windows[2].BlobRef));
        Assert.Equal(0, await LogRetention.DeleteExpiredAsync(db, stack.Blobs, now.AddDays(-7), CancellationToken.None));
    }
}

using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using MlOps.Cli;
using MlOps.Contracts;
using MlOps.Testing;
using MlOps.Tests.Integration.Infrastructure;
using MlOps.Tests.Integration.Loop;

namespace MlOps.Tests.Integration.Cli;

/// <summary>
/// The <c>mlops</c> CLI run in-process against the services as real processes: Training, Registry and Serving on a
/// virtual host of their own (<see cref="ServingStack"/>), Ingestion and Validation (<see cref="SliceServices"/>), and
/// Monitoring. Addresses come from an injected environment (<c>MLOPS_URL_&lt;SERVICE&gt;</c>), so nothing process-wide is changed.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class CliTests(InfrastructureFixture infra, ServingStack stack, MonitoringFixture monitoring)
    : IClassFixture<ServingStack>, IClassFixture<MonitoringFixture>, IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("mlops-cli-it-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string WriteFile(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>The services' addresses as the CLI reads them, and the API key they were started with (writes and /admin need it).</summary>
    static Dictionary<string, string> Env(params ServiceProcess?[] services)
    {
        var env = services.OfType<ServiceProcess>().ToDictionary(s => $"MLOPS_URL_{s.Name.ToUpperInvariant()}", s => s.BaseAddress.ToString());
        env["MLOPS_API_KEY"] = ServiceProcess.ApiKey;
        return env;
    }

    static async Task<(int Code, string Out, string Err)> RunAsync(Dictionary<string, string> env, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error, CliContext.WithVariables(env));
        return (code, output.ToString(), error.ToString());
    }

    static async Task<string> OkAsync(Dictionary<string, string> env, params string[] args)
    {
        var (code, output, error) = await RunAsync(env, args);
        Assert.True(code == 0, $"mlops {string.Join(' ', args)} exited {code}:\n{error}\n{output}");
        return output;
    }

    static string PipelineYaml(string dataset, int trees, string? name = null, bool requireApproval = false) => $"""
        # a pipeline for the weather data
        {(name is null ? "" : $"name: {name}")}
        dataset: {dataset}
        task: multiclass
        target: weather
        exclude: [date]
        trainer:
          name: gbdt
          params: {"{"} trees: {trees}, learningRate: 0.1, leaves: 8 {"}"}
        split: {"{"} by: random, holdout: 0.2, seed: 42 {"}"}
        retrain:
          minNewRows: 100
          onDrift: true
          cooldownSeconds: 0
        promotion:
          metric: accuracy
          minImprovement: 0.0
          minScore: null
          requireApproval: {(requireApproval ? "true" : "false")}
        """;

    [Fact]
    public async Task Apply_creates_a_yaml_pipeline_then_reports_unchanged_and_updated_and_a_bad_definition_names_its_field()
    {
        var loop = stack.Loop;
        var env = Env(loop.Training);
        var name = LoopData.Name("cli-apply");
        var file = WriteFile($"{name}.yaml", PipelineYaml(LoopData.Name("ds"), trees: 5));

        Assert.Contains($"pipeline {name} created: revision 1", await OkAsync(env, "apply", file));
        var stored = await loop.Training.Client.GetFromJsonAsync<JsonElement>($"pipelines/{name}");
        Assert.Equal(5, stored.GetProperty("definition").GetProperty("trainer").GetProperty("params").GetProperty("trees").GetDouble());

        var again = JsonNode.Parse(await OkAsync(env, "apply", file, "--json"))!;
        Assert.Equal("unchanged", again["result"]!.GetValue<string>());
        Assert.Equal(1, again["revision"]!.GetValue<int>());

        File.WriteAllText(file, PipelineYaml(stored.GetProperty("definition").GetProperty("dataset").GetString()!, trees: 6));
        Assert.Contains($"pipeline {name} updated: revision 2", await OkAsync(env, "apply", file));

        // The file's name field names the pipeline when present; JSON files work the same.
        var named = LoopData.Name("cli-named");
        var json = WriteFile("any-file-name.json", LoopData.WeatherPipeline(LoopData.Name("ds"), trees: 3).ToJsonString().Replace("{\"dataset\"", $"{{\"name\":\"{named}\",\"dataset\""));
        Assert.Contains($"pipeline {named} created", await OkAsync(env, "apply", json));

        var bad = WriteFile("bad-pipeline.yaml", PipelineYaml(LoopData.Name("ds"), trees: 5).Replace("name: gbdt", "name: no-such-trainer"));
        var (code, output, error) = await RunAsync(env, "apply", bad);
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Contains("Training answered 400", error);
        Assert.Contains("PUT " + loop.Training.BaseAddress + "pipelines/bad-pipeline", error);
        Assert.Contains("Invalid pipeline definition", error);
        Assert.Contains("trainer.name:", error);
        using (var missing = await loop.Training.Client.GetAsync("pipelines/bad-pipeline"))
            Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);

        // Without the platform's key a write is refused, and the message says which variable to set.
        env.Remove("MLOPS_API_KEY");
        (code, _, error) = await RunAsync(env, "apply", file);
        Assert.Equal(1, code);
        Assert.Contains("Training answered 401", error);
        Assert.Contains("API key required", error);
        Assert.Contains("MLOPS_API_KEY is not set", error);
        env["MLOPS_API_KEY"] = "not-the-key";
        (code, _, error) = await RunAsync(env, "apply", file);
        Assert.Equal(1, code);
        Assert.Contains("is not this platform's key", error);
    }

    [Fact]
    public async Task Ingest_sends_each_csv_file_of_a_folder_as_a_batch_and_prints_their_ids()
    {
        var slice = await infra.SliceAsync();
        var env = Env(slice.Ingestion);
        var dataset = LoopData.Name("cli-ingest");
        WriteFile("batches/a.csv", LoopData.WeatherCsv(0, 150));
        WriteFile("batches/b.csv", LoopData.WeatherCsv(150, 400));
        WriteFile("batches/notes.txt", "not data");
        var folder = Path.Combine(_dir, "batches");

        var (code, output, error) = await RunAsync(env, "ingest", folder, "--dataset", dataset);
        Assert.True(code == 0, error);
        var stored = (await slice.Ingestion.Client.GetFromJsonAsync<JsonElement>($"datasets/{dataset}/batches")).EnumerateArray().ToList();
        Assert.Equal(2, stored.Count);
        Assert.Equal([150L, 250L], stored.Select(b => b.GetProperty("rows").GetInt64()).Order());
        foreach (var batch in stored)
            Assert.Contains(batch.GetProperty("batchId").GetString()!, output);
        Assert.Matches(@"a\.csv\s+[0-9a-f-]{36}\s+150\s", output);
        // The progress bar went to standard error and reached the end of each file.
        Assert.Matches(@"a\.csv \[#{30}\] 100%", error);
        Assert.Matches(@"b\.csv \[#{30}\] 100%", error);
        Assert.Contains($"2 batches accepted into dataset {dataset}", error);

        // The same files again: the same batches (duplicates), and --json output that parses.
        (code, output, error) = await RunAsync(env, "ingest", folder, "--dataset", dataset, "--json");
        Assert.True(code == 0, error);
        var again = JsonNode.Parse(output)!.AsArray();
        Assert.Equal(2, again.Count);
        Assert.All(again, b => Assert.True(b!["duplicate"]!.GetValue<bool>()));
        Assert.Equal(stored.Select(b => b.GetProperty("batchId").GetString()).Order(), again.Select(b => b!["batchId"]!.GetValue<string>()).Order());

        (code, _, error) = await RunAsync(env, "ingest", WriteFile("bad name.csv", "a\n1\n"), "--dataset", "bad name");
        Assert.Equal(1, code);
        Assert.Contains("was not ingested: Ingestion answered 400", error);
        Assert.Contains("Invalid dataset name", error);
    }

    [Fact]
    public async Task A_trained_model_is_listed_traced_approved_with_a_reason_exported_and_scored_locally_and_by_Serving()
    {
        var loop = stack.Loop;
        var env = Env(loop.Training, loop.Registry, stack.Serving);
        var name = LoopData.Name("cli-model");
        var dataset = LoopData.Name("cli-ds");
        // The pipeline asks for approval, so its first version waits for a person's promote.
        await OkAsync(env, "apply", WriteFile("p.yaml", PipelineYaml(dataset, trees: 3, name: name, requireApproval: true)));
        var data = await LoopData.PublishVersionAsync(loop, dataset, 1, LoopData.WeatherCsv(0, 300), LoopData.WeatherCsv(300, 500));
        var v1 = await LoopData.VersionAsync(loop, name, 1);
        Assert.Equal("awaiting_approval", v1.GetProperty("gate").GetProperty("decision").GetString());
        var runId = v1.GetProperty("runId").GetString()!;

        // runs: a table row per run, and the same runs as JSON.
        var runs = await OkAsync(env, "runs", "--pipeline", name);
        Assert.StartsWith("RUN", runs);
        var row = Assert.Single(runs.Split('\n'), l => l.StartsWith(runId, StringComparison.Ordinal));
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(row, $@"^{runId}\s+{name}\s+succeeded\s+\S+\s.*{dataset} v1\s+.*accuracy="), runs);
        var runsJson = JsonNode.Parse(await OkAsync(env, "runs", "--pipeline", name, "--json"))!.AsArray();
        Assert.Equal(runId, Assert.Single(runsJson)!["runId"]!.GetValue<string>());

        // models: the list, one model's versions, and JSON.
        Assert.Matches($@"{name}\s+-\s+-\s+1\s+v1\s", await OkAsync(env, "models"));
        var versions = await OkAsync(env, "models", name);
        Assert.Contains($"{name}: no champion; awaiting approval: v1", versions);
        Assert.Matches(@"v1\s+awaiting_approval\s+gbdt\s+" + dataset + @" v1\s+.*accuracy=", versions);
        var modelJson = JsonNode.Parse(await OkAsync(env, "models", name, "--json"))!;
        Assert.Null(modelJson["champion"]);
        Assert.Equal(runId, modelJson["versionList"]!.AsArray().Single()!["runId"]!.GetValue<string>());

        // lineage: the data, definition and trainer that made v1.
        var lineage = await OkAsync(env, "lineage", name, "1");
        Assert.Contains(v1.GetProperty("artifactHash").GetString()!, lineage);
        Assert.Contains($"{dataset} v1, 500 rows, {data.Hash}", lineage);
        Assert.Contains("gbdt ", lineage);
        Assert.Contains("trees=3", lineage);
        Assert.Matches($@"{data.BatchHashes[1]}\s+200", lineage);
        var lineageJson = JsonNode.Parse(await OkAsync(env, "lineage", name, "1", "--json"))!;
        Assert.Equal(v1.GetProperty("definitionHash").GetString(), lineageJson["definitionHash"]!.GetValue<string>());

        // promote: approves the waiting version; the audit names the OS user and the reason.
        var reason = "cli test: holdout report reviewed";
        var promoted = await OkAsync(env, "promote", name, "1", "--reason", reason);
        Assert.Contains($"champion none -> v1 (promote by {Environment.UserName}: {reason})", promoted);
        var summary = await loop.Registry.Client.GetFromJsonAsync<JsonElement>($"models/{name}");
        Assert.Equal(1, summary.GetProperty("champion").GetProperty("version").GetInt32());
        var audit = Assert.Single((await loop.Registry.Client.GetFromJsonAsync<JsonElement>($"models/{name}/audit")).EnumerateArray());
        Assert.Equal(reason, audit.GetProperty("reason").GetString());
        Assert.Equal(Environment.UserName, audit.GetProperty("who").GetString());
        Assert.Contains("already the champion", await OkAsync(env, "promote", name, "1", "--reason", reason));
        Assert.Contains($"{name}: champion v1", await OkAsync(env, "models", name));

        // export NAME@VERSION: the Registry's ONNX, which ONNX Runtime loads; NAME alone exports the champion.
        var onnx = Path.Combine(_dir, "m.onnx");
        Assert.Contains($"ONNX model of {name} v1", await OkAsync(env, "export", "--model", $"{name}@1", "--onnx", onnx));
        using (var session = new InferenceSession(onnx))
            Assert.Contains(session.OutputMetadata.Keys, k => k == MlOps.Learning.Onnx.OnnxExport.ProbabilitiesName);
        var champion = JsonNode.Parse(await OkAsync(env, "export", "--model", name, "--onnx", onnx, "--json"))!;
        Assert.Equal(1, champion["version"]!.GetValue<int>());
        Assert.Equal(v1.GetProperty("artifactHash").GetString(), champion["artifactHash"]!.GetValue<string>());

        // predict NAME@VERSION: the downloaded, hash-checked artifact scores here exactly as the same file does locally.
        var rows = WriteFile("rows.csv", LoopData.WeatherCsv(500, 540));
        var artifact = Path.Combine(_dir, "v1.mlm");
        File.WriteAllBytes(artifact, await loop.Registry.Client.GetByteArrayAsync($"models/{name}/versions/1/artifact"));
        var (code, remote, error) = await RunAsync(env, "predict", "--model", $"{name}@1", "--data", rows);
        Assert.True(code == 0, error);
        Assert.Contains($"{name}@1: artifact {v1.GetProperty("artifactHash").GetString()} verified", error);
        Assert.StartsWith("prediction,p_", remote);
        Assert.Equal(41, remote.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(await OkAsync([], "predict", "--model", artifact, "--data", rows), remote);
        var predictJson = JsonNode.Parse(await OkAsync(env, "predict", "--model", $"{name}@1", "--data", rows, "--json"))!;
        Assert.Equal(40, predictJson["predictions"]!.AsArray().Count);

        // predict NAME: Serving's champion answers for the same rows, read from the CSV as JSON values, with the same labels.
        await LoopData.PollAsync(stack.Serving.Client, $"models/{name}",
            m => m.GetProperty("champion") is { ValueKind: JsonValueKind.Object } c && c.GetProperty("version").GetInt32() == 1, seconds: 30);
        (code, var served, error) = await RunAsync(env, "predict", "--model", name, "--data", rows);
        Assert.True(code == 0, error);
        Assert.Contains($"{name}: 40 rows predicted by v1 (served)", error);
        var servedLines = served.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("prediction,p_", servedLines[0]);
        Assert.EndsWith(",predictionId", servedLines[0]);
        Assert.Equal(remote.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')[0]),
            servedLines.Skip(1).Select(l => l.Split(',')[0]));
        Assert.All(servedLines.Skip(1), l => Assert.True(Guid.TryParse(l.Split(',')[^1], out _), l));
        var servedJson = JsonNode.Parse(await OkAsync(env, "predict", "--model", name, "--data", rows, "--json"))!;
        Assert.Equal(1, servedJson["version"]!.GetValue<int>());
        Assert.Equal(40, servedJson["predictionIds"]!.AsArray().Count);
    }

    [Fact]
    public async Task Status_is_zero_when_the_services_are_healthy_and_names_a_service_that_cannot_be_reached()
    {
        var loop = stack.Loop;
        var slice = await infra.SliceAsync();
        var env = Env(slice.Ingestion, slice.Validation, loop.Training, loop.Registry, stack.Serving);

        var output = await OkAsync(env, "status", "ingestion", "validation", "training", "registry", "serving");
        Assert.Equal(5, output.Split('\n').Count(l => l.Contains("Healthy")));
        var json = JsonNode.Parse(await OkAsync(env, "status", "training", "registry", "--json"))!.AsArray();
        Assert.All(json, s => Assert.True(s!["healthy"]!.GetValue<bool>()));

        var dead = FreePort.Get();
        env["MLOPS_URL_SERVING"] = $"http://127.0.0.1:{dead}";
        var (code, table, error) = await RunAsync(env, "status", "training", "serving");
        Assert.Equal(1, code);
        Assert.Matches(@"Training\s+\S+\s+Healthy", table);
        Assert.Matches(@"Serving\s+\S+\s+Unreachable", table);
        Assert.Contains($"cannot reach Serving at http://127.0.0.1:{dead} — is the platform running? scripts/run.sh", error);
        Assert.DoesNotContain("Training", error);

        env["MLOPS_URL_TRAINING"] = $"http://127.0.0.1:{dead}";
        (code, _, error) = await RunAsync(env, "runs");
        Assert.Equal(1, code);
        Assert.Contains($"cannot reach Training at http://127.0.0.1:{dead} — is the platform running? scripts/run.sh", error);
    }

    [Fact]
    public async Task An_unknown_model_fails_with_the_registrys_problem_detail()
    {
        var loop = stack.Loop;
        var env = Env(loop.Registry);
        var name = LoopData.Name("cli-nope");

        var (code, output, error) = await RunAsync(env, "models", name);
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Contains($"Registry answered 404 Not Found to GET {loop.Registry.BaseAddress}models/{name}", error);
        Assert.Contains($"Model not found — There is no model '{name}'", error);

        (code, _, error) = await RunAsync(env, "export", "--model", $"{name}@3", "--onnx", Path.Combine(_dir, "x.onnx"));
        Assert.Equal(1, code);
        Assert.Contains($"Model '{name}' has no version 3", error);
        Assert.False(File.Exists(Path.Combine(_dir, "x.onnx")));
    }

    [Fact]
    public async Task Drift_shows_Monitorings_windows_and_the_latest_windows_features()
    {
        var m = await monitoring.GetAsync(infra);
        var env = Env(m.Monitoring);
        var model = LoopData.Name("cli-drift");
        await m.Bus.Publish(MonitoringData.Pipeline(model, windowRows: 500, cooldownSeconds: 3600));
        await m.Bus.Publish(MonitoringData.ModelTrained(model));
        await m.Bus.Publish(MonitoringData.Promoted(model, 1));
        await LoopData.PollAsync(m.Monitoring.Client, $"models/{model}/drift", d => d.GetProperty("championVersion").ValueKind == JsonValueKind.Number, seconds: 30);
        Assert.Contains($"{model}: no windows of production data yet.", await OkAsync(env, "drift", model));

        // A model trained on Seattle serving New York's weather: one full window, drifted.
        await m.LogAsync(model, 1, MonitoringData.Rows("New York", 0, 1, 500));
        var expected = await LoopData.PollAsync(m.Monitoring.Client, $"models/{model}/drift", d => d.GetProperty("windows").GetArrayLength() == 1, seconds: 30);

        var table = await OkAsync(env, "drift", model);
        Assert.Matches(@"(?m)^1\s+v1\s+500\s+\S+\s+yes$", table);
        Assert.Contains("window 1:", table);
        Assert.Matches(@"temp_min\s+wasserstein\s+\S+\s+0\.1\s+yes", table);
        var json = JsonNode.Parse(await OkAsync(env, "drift", model, "--json"))!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected.GetRawText())!["windows"], json["windows"]), json.ToJsonString());
    }

    [Fact]
    public async Task Replay_moves_a_services_parked_messages_back_to_their_endpoint()
    {
        var loop = stack.Loop;
        var env = Env(loop.Training);
        // An event Training can never handle goes straight to its error queue.
        await loop.Bus.Publish(new DatasetVersionCreated("bad name!", 1, "sha256:" + new string('e', 64), [], [], 0, Guid.NewGuid(), DateTimeOffset.UtcNow));
        var parked = await LoopData.PollAsync(loop.Training.Client, "admin/error-queues",
            q => q.EnumerateArray().Any(e => e.GetProperty("queue").GetString() == "train-on-new-data" && e.GetProperty("messages").GetInt64() > 0), seconds: 30);
        var waiting = parked.EnumerateArray().Single(e => e.GetProperty("queue").GetString() == "train-on-new-data").GetProperty("messages").GetInt64();

        var result = JsonNode.Parse(await OkAsync(env, "replay", "training", "--json"))!.AsArray();
        var queue = Assert.Single(result, r => r!["queue"]!.GetValue<string>() == "train-on-new-data")!;
        Assert.Equal(waiting, queue["replayed"]!.GetValue<long>());
        Assert.All(result.Where(r => r!["waiting"]!.GetValue<long>() == 0), r => Assert.Equal(0, r!["replayed"]!.GetValue<long>()));
    }
}

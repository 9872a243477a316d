using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MlOps.Learning.Artifacts;
using MlOps.Learning.Onnx;
using MlOps.Tests.Integration.Infrastructure;

namespace MlOps.Tests.Integration.Loop;

/// <summary>
/// Training and Registry as real processes on the real broker and database: a pipeline and its data become a
/// champion, a better candidate replaces it, a worse one is declined on the same rows, and a run reproduces exactly.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class ContinuousTrainingTests(InfrastructureFixture infra)
{
    [Fact]
    public async Task A_pipeline_and_its_data_become_champion_then_a_better_candidate_is_promoted_and_a_worse_one_declined()
    {
        var loop = await infra.LoopAsync();
        var name = LoopData.Name("weather");
        var dataset = LoopData.Name("seattle");

        // Version 1: a deliberately weak model (one shallow round), trained because the new rows reach minNewRows.
        using (var put = await LoopData.PutPipelineAsync(loop, name, LoopData.WeatherPipeline(dataset, trees: 1, learningRate: 0.05, leaves: 2)))
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        var data = await LoopData.PublishVersionAsync(loop, dataset, 1, LoopData.WeatherCsv(0, 800), LoopData.WeatherCsv(800, 1461));

        var v1 = await LoopData.VersionAsync(loop, name, 1);
        Assert.Equal("promoted", v1.GetProperty("gate").GetProperty("decision").GetString());
        Assert.True(v1.GetProperty("isChampion").GetBoolean());
        var lineage = v1.GetProperty("datasetVersion");
        Assert.Equal(data.Hash, lineage.GetProperty("hash").GetString());
        Assert.Equal(1461, lineage.GetProperty("rows").GetInt64());
        Assert.Equal(data.BatchHashes, lineage.GetProperty("batches").EnumerateArray().Select(b => b.GetProperty("hash").GetString()!));
        Assert.Equal([800L, 661L], lineage.GetProperty("batches").EnumerateArray().Select(b => b.GetProperty("rows").GetInt64()));
        Assert.Equal("gbdt", v1.GetProperty("trainer").GetString());
        Assert.Equal(1, v1.GetProperty("params").GetProperty("trees").GetDouble());
        Assert.Equal(42, v1.GetProperty("seed").GetInt32());
        Assert.StartsWith("sha256:", v1.GetProperty("definitionHash").GetString());
        Assert.False(string.IsNullOrEmpty(v1.GetProperty("codeVersion").GetString()));
        Assert.Equal("new-data", v1.GetProperty("trigger").GetString());
        var weakAccuracy = v1.GetProperty("metrics").GetProperty("accuracy").GetDouble();

        // The run that made it names the same inputs and artifact.
        var runs = await loop.Training.Client.GetFromJsonAsync<JsonElement>($"runs?pipeline={name}");
        var run = Assert.Single(runs.EnumerateArray());
        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal(v1.GetProperty("runId").GetGuid(), run.GetProperty("runId").GetGuid());
        Assert.Equal(v1.GetProperty("artifactHash").GetString(), run.GetProperty("artifactHash").GetString());
        Assert.Equal(1461 - run.GetProperty("holdout").GetProperty("rows").GetInt64(), run.GetProperty("trainRows").GetInt64());
        // One round asked for, one built: the progress the run showed while fitting ends complete.
        Assert.Equal(1, run.GetProperty("progress").GetProperty("roundsDone").GetInt32());
        Assert.Equal(1, run.GetProperty("progress").GetProperty("roundsTotal").GetInt32());

        // The artifact downloads by version, its SHA-256 is the recorded hash, and it loads.
        var bytes = await loop.Registry.Client.GetByteArrayAsync($"models/{name}/versions/1/artifact");
        Assert.Equal(v1.GetProperty("artifactHash").GetString(), "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)));
        var trained = ModelArtifact.FromBytes(bytes);
        Assert.Equal("weather", trained.Info.Target);

        // The same version as ONNX runs in ONNX Runtime and gives the platform's class probabilities.
        var onnx = await loop.Registry.Client.GetByteArrayAsync($"models/{name}/versions/1/onnx");
        using (var session = new InferenceSession(onnx))
        {
            double[] row = [0.0, 12.8, 5.0, 4.7];
            Assert.Equal(["precipitation", "temp_max", "temp_min", "wind"], trained.InputSchema.Select(c => c.Name));
            var expected = new double[trained.Info.Classes.Count];
            trained.Predict(row, expected);
            using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExport.InputName, new DenseTensor<float>(row.Select(v => (float)v).ToArray(), [1, row.Length]))]);
            var probabilities = results.Single(r => r.Name == OnnxExport.ProbabilitiesName).AsTensor<float>().ToArray();
            Assert.Equal(expected.Length, probabilities.Length);
            for (var k = 0; k < expected.Length; k++)
                Assert.Equal(expected[k], probabilities[k], 1e-5);
        }
        using (var missing = await loop.Registry.Client.GetAsync($"models/{name}/versions/99/onnx"))
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        // Version 2: a real model, on the same data and seed (so the same holdout rows), is better and replaces the champion.
        using (var put = await LoopData.PutPipelineAsync(loop, name, LoopData.WeatherPipeline(dataset, trees: 15)))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        await LoopData.RequestRunAsync(loop, name);
        var v2 = await LoopData.VersionAsync(loop, name, 2);
        var gate2 = v2.GetProperty("gate");
        Assert.True(gate2.GetProperty("decision").GetString() == "promoted", $"v2 gate: {gate2}");
        Assert.Equal(1, gate2.GetProperty("championVersion").GetInt32());
        Assert.Equal(weakAccuracy, gate2.GetProperty("champion").GetDouble(), 9);
        Assert.True(gate2.GetProperty("candidate").GetDouble() > weakAccuracy);
        var model = await loop.Registry.Client.GetFromJsonAsync<JsonElement>($"models/{name}");
        Assert.Equal(2, model.GetProperty("champion").GetProperty("version").GetInt32());

        // Version 3: the weak definition again scores below the champion on the candidate's holdout: declined, both scores kept.
        using (var put = await LoopData.PutPipelineAsync(loop, name, LoopData.WeatherPipeline(dataset, trees: 1, learningRate: 0.05, leaves: 2)))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        await LoopData.RequestRunAsync(loop, name);
        var v3 = await LoopData.VersionAsync(loop, name, 3);
        var gate3 = v3.GetProperty("gate");
        Assert.True(gate3.GetProperty("decision").GetString() == "declined", $"v3 gate: {gate3}");
        Assert.Equal(2, gate3.GetProperty("championVersion").GetInt32());
        Assert.Equal(weakAccuracy, gate3.GetProperty("candidate").GetDouble(), 9);
        Assert.Equal(gate2.GetProperty("candidate").GetDouble(), gate3.GetProperty("champion").GetDouble(), 9);
        Assert.Contains("accuracy", gate3.GetProperty("rule").GetString());
        model = await loop.Registry.Client.GetFromJsonAsync<JsonElement>($"models/{name}");
        Assert.Equal(2, model.GetProperty("champion").GetProperty("version").GetInt32());

        // The audit log holds the gate's two promotions, in order.
        var audit = await loop.Registry.Client.GetFromJsonAsync<JsonElement>($"models/{name}/audit");
        Assert.Equal([1, 2], audit.EnumerateArray().Select(a => a.GetProperty("to").GetInt32()));
        Assert.All(audit.EnumerateArray(), a => Assert.Equal("gate", a.GetProperty("who").GetString()));
    }

    [Fact]
    public async Task Reproducing_a_run_retrains_from_its_recorded_inputs_to_the_same_artifact_hash()
    {
        var loop = await infra.LoopAsync();
        var name = LoopData.Name("repro");
        var dataset = LoopData.Name("seattle");
        using (var put = await LoopData.PutPipelineAsync(loop, name, LoopData.WeatherPipeline(dataset, trees: 5)))
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        await LoopData.PublishVersionAsync(loop, dataset, 1, LoopData.WeatherCsv(0, 600));
        var v1 = await LoopData.VersionAsync(loop, name, 1);
        var runId = v1.GetProperty("runId").GetGuid();

        // New data arrives meanwhile: the reproduction still uses the original run's dataset version.
        await LoopData.PublishVersionAsync(loop, dataset, 2, LoopData.WeatherCsv(0, 600), LoopData.WeatherCsv(600, 700));

        using var response = await loop.Training.Client.PostAsync($"runs/{runId}/reproduce", null);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {result}");
        Assert.True(result.GetProperty("identical").GetBoolean(), result.ToString());
        Assert.Equal(v1.GetProperty("artifactHash").GetString(), result.GetProperty("artifactHash").GetString());
        Assert.Equal(result.GetProperty("originalArtifactHash").GetString(), result.GetProperty("artifactHash").GetString());
        Assert.Equal(runId, result.GetProperty("originalRunId").GetGuid());

        var reproduction = await loop.Training.Client.GetFromJsonAsync<JsonElement>($"runs/{result.GetProperty("runId").GetGuid()}");
        Assert.Equal("reproduce", reproduction.GetProperty("trigger").GetString());
        Assert.Equal(1, reproduction.GetProperty("datasetVersion").GetProperty("number").GetInt32());
    }

    [Fact]
    public async Task A_run_on_data_with_one_class_fails_with_a_reason_a_person_can_act_on()
    {
        var loop = await infra.LoopAsync();
        var name = LoopData.Name("oneclass");
        var dataset = LoopData.Name("sunny");
        var definition = LoopData.WeatherPipeline(dataset, trees: 2, minNewRows: 1);
        using (var put = await LoopData.PutPipelineAsync(loop, name, definition))
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        var sunny = string.Join("\n", LoopData.WeatherLines.Value.Take(1).Concat(LoopData.WeatherLines.Value.Skip(1).Where(l => l.EndsWith(",sun")).Take(200))) + "\n";
        await LoopData.PublishVersionAsync(loop, dataset, 1, sunny);

        var runs = await LoopData.PollAsync(loop.Training.Client, $"runs?pipeline={name}",
            r => r.GetArrayLength() == 1 && r[0].GetProperty("status").GetString() is "failed" or "succeeded");
        var run = runs[0];
        Assert.Equal("failed", run.GetProperty("status").GetString());
        Assert.Contains("one class", run.GetProperty("error").GetString());
        Assert.Contains("'sun'", run.GetProperty("error").GetString());
        using var model = await loop.Registry.Client.GetAsync($"models/{name}");
        Assert.Equal(HttpStatusCode.NotFound, model.StatusCode);
    }
}

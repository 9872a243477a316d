using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MassTransit;
using MlOps.Contracts;
using MlOps.Learning;
using MlOps.Learning.Artifacts;
using MlOps.Learning.Data;
using MlOps.Learning.Trainers;
using MlOps.ServiceDefaults.Blobs;
using MlOps.ServiceDefaults.Messaging;
using MlOps.Tests.Integration.Infrastructure;
using Npgsql;

namespace MlOps.Tests.Integration.Loop;

/// <summary>
/// Two processes of one service on one database and one set of queues (replicas, docs/scale-out.md), each test on a
/// virtual host of its own so no other test's service takes its events.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class ReplicaTests(InfrastructureFixture infra)
{
    [Fact]
    public async Task A_run_one_Training_replica_is_training_is_never_taken_over_by_another_and_concurrent_triggers_give_one_follow_up_run()
    {
        var messaging = await infra.CreateVirtualHostAsync("replicas-" + Guid.NewGuid().ToString("N")[..8]);
        await using var loop = await LoopServices.StartAsync(infra, messaging, blobs: null);
        // A second replica looks for interrupted runs five times a second: the same check a replica makes when it starts,
        // so each check while the other replica trains is a replica starting mid-run.
        await using var replica = await loop.StartTrainingReplicaAsync(new Dictionary<string, string> { ["Training__InterruptedRunCheck"] = "00:00:00.200" });
        var name = LoopData.Name("replicas");
        var dataset = LoopData.Name("seattle");
        using (var put = await LoopData.PutPipelineAsync(loop, name, LoopData.WeatherPipeline(dataset, trees: 120, leaves: 16)))
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        await LoopData.PublishVersionAsync(loop, dataset, 1, LoopData.WeatherCsv(0, 1461));
        var fitting = (await LoopData.PollAsync(replica.Client, $"runs?pipeline={name}",
            r => r.GetArrayLength() == 1 && r[0].GetProperty("phase").GetString() == "fitting"))[0];
        var runId = fitting.GetProperty("runId").GetGuid();
        // The follow-up run pins the definition when it starts: a small one keeps the test short. Its cooldown holds the
        // follow-up until every trigger has joined it: the first run may end before all six reports are consumed (two
        // consumers inserting the queued run at once, one of them retried after the unique index refuses it), and a
        // report arriving after the follow-up started would rightly queue a run of its own.
        using (var put = await LoopData.PutPipelineAsync(loop, name, LoopData.WeatherPipeline(dataset, trees: 5, cooldownSeconds: 10)))
            Assert.True(put.IsSuccessStatusCode, $"PUT pipeline: {(int)put.StatusCode}");

        // Six drift reports at once, shared by the two replicas' consumers: one follow-up run carries all six triggers.
        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => loop.Bus.Publish(new DriftDetected(name, 1, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, 500,
            [], 0.9, null, Guid.NewGuid(), DateTimeOffset.UtcNow))));

        var runs = await LoopData.PollAsync(replica.Client, $"runs?pipeline={name}",
            r => r.GetArrayLength() == 2 && r.EnumerateArray().All(x => x.GetProperty("status").GetString() is "succeeded" or "failed"), seconds: 240);
        var first = runs.EnumerateArray().Single(r => r.GetProperty("runId").GetGuid() == runId);
        Assert.Equal("succeeded", first.GetProperty("status").GetString());
        Assert.Equal(1, first.GetProperty("attempts").GetInt32());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("error").ValueKind);
        var followUp = runs.EnumerateArray().Single(r => r.GetProperty("runId").GetGuid() != runId);
        Assert.Equal("succeeded", followUp.GetProperty("status").GetString());
        Assert.Equal(1, followUp.GetProperty("attempts").GetInt32());
        Assert.Equal(6, followUp.GetProperty("triggers").EnumerateArray().Count(t => t.GetString() == "drift"));

        // One model version per run: versions 1 and 2, from the two runs, and no third.
        var v2 = await LoopData.VersionAsync(loop, name, 2);
        var v1 = await LoopData.VersionAsync(loop, name, 1);
        Assert.Equal([runId, followUp.GetProperty("runId").GetGuid()],
            new[] { v1, v2 }.Select(v => v.GetProperty("runId").GetGuid()).OrderBy(id => id == runId ? 0 : 1));
        await Eventually.UntilAsync(async () => await Broker.QueueDepthAsync(messaging, "register-model") == 0, TimeSpan.FromSeconds(20), "every ModelTrained consumed");
        using var third = await loop.Registry.Client.GetAsync($"models/{name}/versions/3");
        Assert.Equal(HttpStatusCode.NotFound, third.StatusCode);
    }

    [Fact]
    public async Task Both_Serving_replicas_serve_the_last_promotion_soon_though_only_one_of_them_received_it()
    {
        var messaging = await infra.CreateVirtualHostAsync("replicas-" + Guid.NewGuid().ToString("N")[..8]);
        var blobs = await infra.CreateDatabaseAsync("blobs");
        await using var blobData = NpgsqlDataSource.Create(blobs);
        await PostgresBlobStore.EnsureSchemaAsync(blobData, CancellationToken.None);
        var store = new PostgresBlobStore(blobData);
        // The default champion sync interval: that is what bounds how long the other replica serves the previous champion.
        var env = new Dictionary<string, string>
        {
            ["ConnectionStrings__messaging"] = messaging,
            ["ConnectionStrings__blobs"] = blobs,
            ["ConnectionStrings__servingdb"] = await infra.CreateDatabaseAsync("servingdb"),
        };
        var starting = new[] { ServiceProcess.StartAsync("Serving", env), ServiceProcess.StartAsync("Serving", env) };
        await using var a = await starting[0];
        await using var b = await starting[1];
        var bus = Broker.Create(messaging);
        await bus.StartAsync();
        try
        {
            var artifacts = new List<string>();
            foreach (var trees in new[] { 1, 2 })
            {
                var frame = TabularFrame.ReadCsv(new MemoryStream(Encoding.UTF8.GetBytes(LoopData.WeatherCsv(0, 400))), CsvReadOptions.Default);
                var model = Trainer.Train(frame, new TrainingSpec
                {
                    Target = "weather", Task = TaskKind.Multiclass, Exclude = ["date"], MaxDegreeOfParallelism = 1,
                    Parameters = new Dictionary<string, string> { ["trees"] = trees.ToString(CultureInfo.InvariantCulture), ["leaves"] = "4" },
                });
                artifacts.Add((await store.PutAsync(new MemoryStream(ModelArtifact.ToBytes(model)))).Key);
            }
            var name = LoopData.Name("replicas");
            var start = DateTimeOffset.UtcNow.AddMinutes(-10);

            // Five promotions of one model at once, in any order, shared by the two replicas' consumers: the registry's
            // last one (v4) wins on both, whichever replica consumed it.
            var promotions = Enumerable.Range(1, 5)
                .Select(v => new ModelPromoted(name, v, v == 1 ? null : v - 1, artifacts[v % 2], "test", null, [], Guid.NewGuid(), start.AddSeconds(v == 4 ? 60 : v), "gate"))
                .OrderBy(_ => Random.Shared.Next()).ToList();
            await Task.WhenAll(promotions.Select(p => bus.Publish(p)));
            var served = await Task.WhenAll(new[] { a, b }.Select(async replica =>
            {
                await LoopData.PollAsync(replica.Client, $"models/{name}",
                    m => m.GetProperty("champion") is { ValueKind: JsonValueKind.Object } c && c.GetProperty("version").GetInt32() == 4, seconds: 60);
                return DateTime.UtcNow;
            }));
            // The replica that consumed it serves it at once; the other catches up at its next sync with servingdb.
            var caughtUp = (served.Max() - served.Min()).Duration();
            Assert.True(caughtUp < TimeSpan.FromSeconds(6), $"the second replica served the last promotion {caughtUp.TotalSeconds:0.0} s after the first");
            foreach (var replica in new[] { a, b })
            {
                using var response = await replica.Client.PostAsync($"models/{name}/predict", new StringContent(
                    """{"rows":[{"precipitation":0.0,"temp_max":12.8,"temp_min":5.0,"wind":4.7}]}""", Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(4, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32());
            }
        }
        finally
        {
            await bus.StopAsync();
        }
    }

}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MlOps.Tests.Integration.Infrastructure;

namespace MlOps.Tests.Integration.Messaging;

/// <summary>
/// <c>Messaging:QueueType=quorum</c> (docs/scale-out.md), on a virtual host of its own on the test node: a single
/// RabbitMQ node holds quorum queues as a cluster would, with a replication factor of one.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class QuorumQueueTests(InfrastructureFixture infra)
{
    [Fact]
    public async Task With_quorum_queues_every_durable_queue_is_a_quorum_queue_and_concurrent_batches_of_one_dataset_are_each_decided_once()
    {
        var vhost = "quorum-" + Guid.NewGuid().ToString("N")[..8];
        var messaging = await infra.CreateVirtualHostAsync(vhost);
        await using var slice = await SliceServices.StartAsync(infra, messaging, new Dictionary<string, string> { ["Messaging__QueueType"] = "quorum" });
        var dataset = "quorum-" + Guid.NewGuid().ToString("N")[..8];

        // 30 batches of one dataset at once, a third of them bad: each is decided once, the good ones listed once.
        var accepted = new ConcurrentDictionary<Guid, (bool Good, string Hash)>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 30), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var csv = i % 3 == 0 ? $"a,b\n{i},1\n{i}\n" : $"a,b\n{i},1\n{i + 1},2\n";
            using var response = await slice.Ingestion.Client.PostAsync($"datasets/{dataset}/batches", new StringContent(csv, Encoding.UTF8, "text/csv"), ct);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"batch {i}: {(int)response.StatusCode} {body}");
            Assert.True(accepted.TryAdd(body.GetProperty("batchId").GetGuid(), (i % 3 != 0, body.GetProperty("contentHash").GetString()!)), $"batch {i} was given another batch's id");
        });
        foreach (var (batchId, good) in accepted)
        {
            var batch = await Batches.WaitAsync(slice, batchId, dataset);
            Assert.Equal(good.Good ? "validated" : "rejected", batch.GetProperty("status").GetString());
        }
        var listed = (await slice.Ingestion.Client.GetFromJsonAsync<JsonElement>($"datasets/{dataset}/batches")).EnumerateArray().ToList();
        Assert.Equal(30, listed.Count);
        // One version per validated batch, the latest holding each of them once.
        var versions = (await slice.Ingestion.Client.GetFromJsonAsync<JsonElement>($"datasets/{dataset}/versions")).EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(1, 20), versions.Select(v => v.GetProperty("number").GetInt32()));
        Assert.Equal(accepted.Values.Where(a => a.Good).Select(a => a.Hash).Order(),
            versions[^1].GetProperty("batchHashes").EnumerateArray().Select(h => h.GetString()!).Order());

        // Every durable queue the services declared is a quorum queue: their own and the subscriber queues of the events
        // they publish (Training's train-on-new-data). Only MassTransit's per-process response queues (auto-delete) stay classic.
        var queues = (await infra.RabbitCtlAsync("list_queues", "-p", vhost, "--quiet", "--no-table-headers", "name", "type", "durable", "auto_delete"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('\t'))
            .ToList();
        var durable = queues.Where(q => q[2] == "true" && q[3] == "false").ToList();
        Assert.Contains(durable, q => q[0] == "validate-batch");
        Assert.Contains(durable, q => q[0] == "train-on-new-data");
        Assert.All(durable, q => Assert.True(q[1] == "quorum", $"{q[0]} is a {q[1]} queue"));
    }
}

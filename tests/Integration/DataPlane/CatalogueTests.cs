using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MassTransit;
using MlOps.Contracts;
using MlOps.Tests.Integration.Infrastructure;

namespace MlOps.Tests.Integration.DataPlane;

[Collection(InfrastructureCollection.Name)]
public sealed class CatalogueTests(InfrastructureFixture infra)
{
    static string Dataset() => "cat-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Each_accepted_batch_makes_a_dataset_version_hashed_over_the_ordered_batch_hashes()
    {
        var slice = await infra.SliceAsync();
        var dataset = Dataset();
        var first = await Batches.PostAndWaitAsync(slice, dataset, "x,y\n1,a\n2,b\n3,a\n");
        var rejected = await Batches.PostAndWaitAsync(slice, dataset, "x\n1\n");
        var second = await Batches.PostAndWaitAsync(slice, dataset, "x,y\n4,b\n5,a\n");
        Assert.Equal("rejected", rejected.GetProperty("status").GetString());

        var versions = await slice.Ingestion.Client.GetFromJsonAsync<JsonElement>($"datasets/{dataset}/versions");
        var latest = await slice.Ingestion.Client.GetFromJsonAsync<JsonElement>($"datasets/{dataset}/versions/latest");

        Assert.Equal(2, versions.GetArrayLength());
        string[] hashes = [first.GetProperty("contentHash").GetString()!, second.GetProperty("contentHash").GetString()!];
        Assert.Equal(hashes, latest.GetProperty("batchHashes").EnumerateArray().Select(h => h.GetString()));
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', hashes)))), latest.GetProperty("hash").GetString());
        Assert.Equal(5, latest.GetProperty("rows").GetInt64());
        Assert.Equal(2, latest.GetProperty("number").GetInt32());
    }

    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_returns_the_first_batch()
    {
        var slice = await infra.SliceAsync();
        var dataset = Dataset();

        async Task<JsonElement> Post(string body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"datasets/{dataset}/batches") { Content = new StringContent(body, Encoding.UTF8, "text/csv") };
            request.Headers.Add("Idempotency-Key", "upload-42");
            using var response = await slice.Ingestion.Client.SendAsync(request);
            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }

        var first = await Post("a\n1\n");
        var retry = await Post("a\n1\n2\n");

        Assert.Equal(first.GetProperty("batchId").GetGuid(), retry.GetProperty("batchId").GetGuid());
        Assert.True(retry.GetProperty("duplicate").GetBoolean());
    }

    [Fact]
    public async Task A_batch_published_on_the_bus_is_ingested_like_a_posted_one_and_an_unreadable_one_is_kept_as_rejected()
    {
        var slice = await infra.SliceAsync();
        var dataset = Dataset();
        var bus = Broker.Create(infra.Messaging);
        await bus.StartAsync();
        try
        {
            await bus.Publish(new BatchSubmitted(dataset, BatchFormats.Csv, "n,label\n1,a\n2,b\n", null, "upstream-erp", "erp-1", Guid.NewGuid(), DateTimeOffset.UtcNow));
            await bus.Publish(new BatchSubmitted(dataset, BatchFormats.Csv, "n,label\n1,\"a\n", null, "upstream-erp", "erp-2", Guid.NewGuid(), DateTimeOffset.UtcNow));
            // NDJSON follows the CSV header's rule: a key given twice in one object makes the batch unreadable.
            await bus.Publish(new BatchSubmitted(dataset, BatchFormats.Ndjson, "{\"n\":1,\"n\":2}\n", null, "upstream-erp", "erp-3", Guid.NewGuid(), DateTimeOffset.UtcNow));

            var batches = await WaitForBatchesAsync(slice, dataset, 3);
            var good = batches.Single(b => b.GetProperty("rows").GetInt64() == 2);
            var bad = batches.Single(b => b.GetProperty("rows").GetInt64() == 0 && b.GetProperty("format").GetString() == "csv");
            var repeated = batches.Single(b => b.GetProperty("format").GetString() == "ndjson");
            Assert.Equal("rejected", repeated.GetProperty("status").GetString());
            Assert.Equal("unparseable", repeated.GetProperty("reasons")[0].GetProperty("kind").GetString());
            Assert.Contains("'n' appears twice", repeated.GetProperty("reasons")[0].GetProperty("description").GetString());
            Assert.Equal("upstream-erp", good.GetProperty("source").GetString());
            Assert.Equal("validated", (await Batches.WaitAsync(slice, good.GetProperty("batchId").GetGuid(), dataset)).GetProperty("status").GetString());
            Assert.Equal("rejected", bad.GetProperty("status").GetString());
            var reason = bad.GetProperty("reasons")[0];
            Assert.Equal("unparseable", reason.GetProperty("kind").GetString());
            Assert.Contains("unbalanced quote", reason.GetProperty("description").GetString());
        }
        finally
        {
            await bus.StopAsync();
        }
    }

    static async Task<List<JsonElement>> WaitForBatchesAsync(SliceServices slice, string dataset, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var batches = await slice.Ingestion.Client.GetFromJsonAsync<JsonElement>($"datasets/{dataset}/batches");
            if (batches.GetArrayLength() >= count)
                return batches.EnumerateArray().ToList();
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{dataset} has {batches.GetArrayLength()} batches after 30 s, expected {count}");
            await Task.Delay(200);
        }
    }
}

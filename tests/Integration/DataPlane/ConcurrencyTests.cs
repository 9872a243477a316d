using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MlOps.Tests.Integration.Infrastructure;

namespace MlOps.Tests.Integration.DataPlane;

/// <summary>Many batches of one dataset at once: every one is decided, and the expected races are not errors.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class ConcurrencyTests(InfrastructureFixture infra)
{
    static string Dataset() => "conc-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Two_hundred_distinct_batches_posted_eight_at_a_time_to_one_dataset_are_all_decided_and_versioned()
    {
        var slice = await infra.SliceAsync();
        var dataset = Dataset();
        const int batches = 200;
        var random = new Random(7);
        var bodies = Enumerable.Range(0, batches).Select(i => Batches.Csv("id,temp,weather",
            Enumerable.Range(0, 300).Select(r => $"{i * 1000 + r},{random.Next(-50, 350) / 10.0},{(r % 3 == 0 ? "rain" : "sun")}"))).ToList();

        await Parallel.ForEachAsync(bodies, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (csv, ct) =>
        {
            using var response = await slice.Ingestion.Client.PostAsync($"datasets/{dataset}/batches", new StringContent(csv, Encoding.UTF8, "text/csv"), ct);
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"expected 202, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
        });

        List<JsonElement> list = [];
        await Eventually.ProgressesToAsync(async () =>
        {
            list = (await slice.Ingestion.Client.GetFromJsonAsync<JsonElement>($"datasets/{dataset}/batches")).EnumerateArray().ToList();
            return list.Count(b => b.GetProperty("status").GetString() != "arrived");
        }, batches, TimeSpan.FromSeconds(45), "batches decided");

        Assert.Equal(batches, list.Count);
        var validated = list.Where(b => b.GetProperty("status").GetString() == "validated").Select(b => b.GetProperty("contentHash").GetString()).ToHashSet();
        Assert.NotEmpty(validated);
        var versions = (await slice.Ingestion.Client.GetFromJsonAsync<JsonElement>($"datasets/{dataset}/versions")).EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(1, validated.Count), versions.Select(v => v.GetProperty("number").GetInt32()));
        var latest = versions[^1].GetProperty("batchHashes").EnumerateArray().Select(h => h.GetString()).ToList();
        Assert.Equal(validated.Count, latest.Count);
        Assert.True(validated.SetEquals(latest), "the latest version does not hold exactly the validated batches");
    }

    [Fact]
    public async Task Eight_concurrent_posts_of_the_same_bytes_give_one_batch_and_log_no_error()
    {
        var slice = await infra.SliceAsync();
        var dataset = Dataset();
        var csv = Batches.Csv("a,b", Enumerable.Range(0, 2000).Select(i => $"{i},{i % 7}"));
        var before = slice.Ingestion.Output.Count();

        var ids = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var response = await slice.Ingestion.Client.PostAsync($"datasets/{dataset}/batches", new StringContent(csv, Encoding.UTF8, "text/csv"));
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"expected 202, got {(int)response.StatusCode}: {body}");
            return body.GetProperty("batchId").GetGuid();
        }));

        Assert.Single(ids.Distinct());
        await Batches.WaitAsync(slice, ids[0], dataset);
        var logged = slice.Ingestion.Output.Skip(before).ToList();
        Assert.DoesNotContain(logged, l => l.StartsWith("fail:", StringComparison.Ordinal));
        Assert.DoesNotContain(logged, l => l.Contains("23505", StringComparison.Ordinal) || l.Contains("at Npgsql.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Listing_datasets_counts_each_datasets_batches_and_rows()
    {
        var slice = await infra.SliceAsync();
        var dataset = Dataset();
        await Batches.PostAndWaitAsync(slice, dataset, "x\n1\n2\n");
        await Batches.PostAndWaitAsync(slice, dataset, "x\n3\n4\n5\n");

        using var response = await slice.Ingestion.Client.GetAsync("datasets");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var mine = (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Single(d => d.GetProperty("dataset").GetString() == dataset);
        Assert.Equal(2, mine.GetProperty("batches").GetInt32());
        Assert.Equal(5, mine.GetProperty("rows").GetInt64());
    }
}

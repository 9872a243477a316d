using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MlOps.Tests.Integration.Infrastructure;

namespace MlOps.Tests.Integration.Slice;

/// <summary>Ingestion and Validation as real processes on the real broker and database, driven over HTTP.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class SliceTests(InfrastructureFixture infra)
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    static string Dataset() => "ds-" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task A_posted_csv_batch_is_stored_validated_and_shows_its_status()
    {
        var slice = await infra.SliceAsync();
        var dataset = Dataset();
        var csv = await File.ReadAllTextAsync(RepoPaths.TestData("seattle-weather.csv"));

        var accepted = await PostAsync(slice, dataset, csv, "text/csv");

        Assert.Equal(HttpStatusCode.Accepted, accepted.Status);
        Assert.StartsWith("sha256:", accepted.Body.GetProperty("contentHash").GetString());
        Assert.Equal(1461, accepted.Body.GetProperty("rows").GetInt64());
        var columns = accepted.Body.GetProperty("columns").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("type").GetString());
        Assert.Equal("timestamp", columns["date"]);
        Assert.Equal("float", columns["precipitation"]);
        Assert.Equal("string", columns["weather"]);

        var batch = await Batches.WaitAsync(slice, accepted.Body.GetProperty("batchId").GetGuid(), dataset);
        Assert.Equal("validated", batch.GetProperty("status").GetString());

        var report = await slice.Validation!.Client.GetFromJsonAsync<JsonElement>($"reports/{accepted.Body.GetProperty("batchId").GetGuid()}");
        var temp = report.GetProperty("profile").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "temp_max");
        Assert.Equal(-1.6, temp.GetProperty("min").GetDouble(), 3);
        Assert.Equal(35.6, temp.GetProperty("max").GetDouble(), 3);
    }

    [Fact]
    public async Task The_same_bytes_posted_twice_are_the_same_batch()
    {
        var slice = await infra.SliceAsync();
        var dataset = Dataset();
        const string csv = "a,b\n1,x\n2,y\n";

        var first = await PostAsync(slice, dataset, csv, "text/csv");
        var second = await PostAsync(slice, dataset, csv, "text/csv");

        Assert.Equal(first.Body.GetProperty("batchId").GetGuid(), second.Body.GetProperty("batchId").GetGuid());
        Assert.False(first.Body.GetProperty("duplicate").GetBoolean());
        Assert.True(second.Body.GetProperty("duplicate").GetBoolean());
        var batches = await slice.Ingestion.Client.GetFromJsonAsync<JsonElement>($"datasets/{dataset}/batches");
        Assert.Equal(1, batches.GetArrayLength());
    }

    [Fact]
    public async Task A_batch_with_ragged_rows_is_stored_and_rejected_naming_the_lines()
    {
        var slice = await infra.SliceAsync();
        var dataset = Dataset();

        var accepted = await PostAsync(slice, dataset, "a,b,c\n1,2,3\n4,5\n6,7,8\n", "text/csv");

        Assert.Equal(HttpStatusCode.Accepted, accepted.Status);
        var batch = await Batches.WaitAsync(slice, accepted.Body.GetProperty("batchId").GetGuid(), dataset);
        Assert.Equal("rejected", batch.GetProperty("status").GetString());
        var reason = Assert.Single(batch.GetProperty("reasons").EnumerateArray());
        Assert.Equal("ragged_row", reason.GetProperty("kind").GetString());
        Assert.Equal(3, reason.GetProperty("line").GetInt64());
        Assert.Equal("ERROR", reason.GetProperty("severity").GetString());
    }

    [Fact]
    public async Task An_ndjson_batch_is_accepted_and_validated()
    {
        var slice = await infra.SliceAsync();
        var dataset = Dataset();

        var accepted = await PostAsync(slice, dataset, "{\"x\":1,\"y\":\"a\"}\n{\"x\":2.5,\"y\":null}\n", "application/x-ndjson");

        Assert.Equal(HttpStatusCode.Accepted, accepted.Status);
        Assert.Equal(2, accepted.Body.GetProperty("rows").GetInt64());
        var batch = await Batches.WaitAsync(slice, accepted.Body.GetProperty("batchId").GetGuid(), dataset);
        Assert.Equal("validated", batch.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("", "text/csv", 400, "empty")]
    [InlineData("a,b\n1,2\n", "application/json", 415, "text/csv")]
    [InlineData("a,b\n1,2\n", null, 415, "(none)")]
    [InlineData("a,b\n\"1,2\n3,4\n", "text/csv", 400, "line 2")]
    [InlineData("a,,c\n1,2,3\n", "text/csv", 400, "empty name")]
    public async Task Bad_input_gets_a_problem_naming_it(string body, string? contentType, int status, string mentions)
    {
        var slice = await infra.SliceAsync();
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null)
            content.Headers.ContentType = new(contentType);

        using var response = await slice.Ingestion.Client.PostAsync($"datasets/{Dataset()}/batches", content);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(mentions, problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_invalid_dataset_name_and_an_unknown_batch_get_problems()
    {
        var slice = await infra.SliceAsync();
        using var bad = await slice.Ingestion.Client.PostAsync("datasets/bad%20name!/batches", new StringContent("a\n1\n", Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("invalid", (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());

        using var missing = await slice.Ingestion.Client.GetAsync($"datasets/{Dataset()}/batches/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Each_service_describes_its_api_in_openapi_and_answers_alive()
    {
        var slice = await infra.SliceAsync();

        var ingestion = await slice.Ingestion.Client.GetFromJsonAsync<JsonElement>("openapi/v1.json");
        var validation = await slice.Validation!.Client.GetFromJsonAsync<JsonElement>("openapi/v1.json");

        Assert.True(ingestion.GetProperty("paths").TryGetProperty("/datasets/{dataset}/batches", out _));
        Assert.True(ingestion.GetProperty("paths").TryGetProperty("/datasets/{dataset}/versions/latest", out _));
        Assert.True(validation.GetProperty("paths").TryGetProperty("/datasets/{dataset}/schema", out _));
        Assert.True(validation.GetProperty("paths").TryGetProperty("/reports/{batchId}", out _));
        foreach (var service in new[] { slice.Ingestion, slice.Validation })
        {
            using var alive = await service.Client.GetAsync("alive");
            Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
            var health = await service.Client.GetFromJsonAsync<JsonElement>("health");
            Assert.Equal("Healthy", health.GetProperty("status").GetString());
            Assert.True(health.GetProperty("checks").TryGetProperty("masstransit-bus", out _) || health.GetProperty("checks").EnumerateObject().Any(c => c.Name.Contains("bus")),
                $"no bus check in {health}");
        }
    }

    [Fact]
    public async Task A_schema_can_be_read_and_replaced_and_a_bad_one_is_refused_naming_the_problem()
    {
        var slice = await infra.SliceAsync();
        var dataset = Dataset();
        await PostAsync(slice, dataset, "x,c\n1,a\n2,b\n3,a\n", "text/csv");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpResponseMessage got;
        while ((got = await slice.Validation!.Client.GetAsync($"datasets/{dataset}/schema")).StatusCode == HttpStatusCode.NotFound && DateTime.UtcNow < deadline)
            await Task.Delay(200);
        var schema = await got.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, schema.GetProperty("version").GetInt32());

        using var bad = await slice.Validation!.Client.PutAsJsonAsync($"datasets/{dataset}/schema", new { columns = new[] { new { name = "x", type = "decimal" } } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("'decimal'", (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());

        using var edited = await slice.Validation.Client.PutAsJsonAsync($"datasets/{dataset}/schema",
            new { columns = new object[] { new { name = "x", type = "integer", max = 2.0 }, new { name = "c", type = "string", domain = new[] { "a" } } } });
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        var after = await slice.Validation.Client.GetFromJsonAsync<JsonElement>($"datasets/{dataset}/schema");
        Assert.Equal(("edited", 2), (after.GetProperty("source").GetString(), after.GetProperty("version").GetInt32()));

        var accepted = await PostAsync(slice, dataset, "x,c\n5,z\n", "text/csv");
        var batch = await Batches.WaitAsync(slice, accepted.Body.GetProperty("batchId").GetGuid(), dataset);
        var kinds = batch.GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("kind").GetString()).ToHashSet();
        Assert.Equal("validated", batch.GetProperty("status").GetString());
        Assert.Contains("out_of_range", kinds);
        Assert.Contains("unexpected_values", kinds);
    }

    [Fact]
    public async Task A_batch_posted_while_validation_is_down_is_validated_when_it_comes_back()
    {
        var slice = await infra.SliceAsync();
        var dataset = Dataset();
        Guid batchId = default;

        await slice.WithValidationDownAsync(async () =>
        {
            var accepted = await PostAsync(slice, dataset, "n,label\n1,a\n2,b\n", "text/csv");
            batchId = accepted.Body.GetProperty("batchId").GetGuid();
            // Its DataArrived waits in Validation's durable queue while no consumer is there.
            await Eventually.UntilAsync(async () => await Broker.QueueDepthAsync(infra.Messaging, "validate-batch") >= 1, TimeSpan.FromSeconds(30),
                "DataArrived waiting in validate-batch");
            var pending = await slice.Ingestion.Client.GetFromJsonAsync<JsonElement>($"datasets/{dataset}/batches/{batchId}");
            Assert.Equal("arrived", pending.GetProperty("status").GetString());
        });

        var batch = await Batches.WaitAsync(slice, batchId, dataset);
        Assert.Equal("validated", batch.GetProperty("status").GetString());
    }

    static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(SliceServices slice, string dataset, string body, string contentType)
    {
        using var content = new StringContent(body, Encoding.UTF8, contentType);
        using var response = await slice.Ingestion.Client.PostAsync($"datasets/{dataset}/batches", content);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>(Json);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"expected 202, got {(int)response.StatusCode}: {json}");
        return (response.StatusCode, json);
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using MlOps.Tests.Integration.Infrastructure;
using MlOps.Tests.Integration.Loop;

namespace MlOps.Tests.Integration.Fuzz;

/// <summary>
/// Thousands of malformed requests to every route of all six services, from a seeded generator: every answer is below
/// 500, every 4xx is problem+json with a title and a detail, and afterwards every service is healthy and serves a valid
/// request. Set FUZZ_SEED to replay a failing run.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed partial class ApiFuzzTests(FuzzStack stack) : IClassFixture<FuzzStack>
{
    const int RequestsPerService = 450;

    [Fact]
    public async Task Thousands_of_malformed_requests_to_every_api_get_4xx_problems_and_never_a_5xx()
    {
        var seed = Environment.GetEnvironmentVariable("FUZZ_SEED") is { Length: > 0 } given ? int.Parse(given) : Random.Shared.Next();
        var random = new Random(seed);
        var inputs = new FuzzInputs(random, [stack.Champion]);
        var services = stack.All.ToDictionary(s => s.Name);
        // Generated up front from the one seeded generator, so the same seed sends the same requests whatever the timing.
        var requests = FuzzRoutes.ByService.SelectMany(kv => Enumerable.Range(0, RequestsPerService)
                .Select(_ => (Service: services[kv.Key], Request: inputs.Next(random.Next(8) == 0 ? FuzzRoutes.Admin[random.Next(FuzzRoutes.Admin.Length)] : kv.Value[random.Next(kv.Value.Length)]))))
            .OrderBy(_ => random.Next())
            .ToList();

        var failures = new ConcurrentQueue<string>();
        var statuses = new ConcurrentDictionary<int, int>();
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (item, ct) =>
        {
            var (status, problem) = await SendAsync(client, item.Service, item.Request, ct);
            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            if (problem is not null)
                failures.Enqueue($"{item.Service.Name}: {item.Request} → {problem}");
        });

        var summary = string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"));
        // A 5xx is an exception the service did not turn into a problem: its log says which.
        var errors = stack.All.SelectMany(s => s.Output.Where(l => l.Contains("Exception", StringComparison.Ordinal)).Take(10).Select(l => $"{s.Name}: {l}"));
        Assert.True(failures.IsEmpty,
            $"seed {seed} (FUZZ_SEED={seed} replays it): {failures.Count} of {requests.Count} requests answered wrongly; statuses {summary}:\n"
            + string.Join("\n", failures.OrderBy(f => f.Contains("→ 5") ? 0 : 1).Take(30)) + "\nservice logs:\n" + string.Join("\n", errors));
        // The run reached the code behind the routes, not only the gates in front of them.
        Assert.True(statuses.Keys.Count(s => s is >= 200 and < 300) > 0 && statuses.GetValueOrDefault(400) > 100, $"seed {seed}: statuses {summary}");

        foreach (var service in stack.All)
        {
            Assert.False(service.HasExited, $"seed {seed}: {service.Name} exited");
            using var health = await service.Client.GetAsync("health");
            Assert.True(health.StatusCode == HttpStatusCode.OK, $"seed {seed}: {service.Name} /health answered {(int)health.StatusCode}: {await health.Content.ReadAsStringAsync()}");
        }
        await ValidRequestsStillWorkAsync();
    }

    /// <summary>Sends one request; returns its status and what is wrong with the answer, or null when nothing is.</summary>
    static async Task<(int Status, string? Problem)> SendAsync(HttpClient client, ServiceProcess service, FuzzRequest request, CancellationToken ct)
    {
        using var message = new HttpRequestMessage(request.Method, new Uri(service.BaseAddress, request.Path));
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            if (request.ContentType is not null)
                message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
        }
        if (request.Accept is not null)
            message.Headers.TryAddWithoutValidation("Accept", request.Accept);
        if (request.Key is not null)
            message.Headers.TryAddWithoutValidation(ApiKeyHeader, request.Key);
        try
        {
            using var response = await client.SendAsync(message, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            return ((int)response.StatusCode, ProblemWith(request, response, body));
        }
        catch (HttpRequestException e)
        {
            return (0, $"no answer: {e.Message}");
        }
    }

    const string ApiKeyHeader = "X-Api-Key";

    /// <summary>What is wrong with an answer: a 5xx, or a 4xx that is not problem+json with a title and a detail.</summary>
    static string? ProblemWith(FuzzRequest request, HttpResponseMessage response, string body)
    {
        var status = (int)response.StatusCode;
        var excerpt = body.Length > 300 ? body[..300] + "…" : body;
        if (status >= 500)
            return $"{status}: {excerpt}";
        if (status < 400)
            return null;
        // Kestrel itself refuses a NUL in the request target, with a bare 400, before any of the application runs.
        if (status == 400 && body.Length == 0 && request.Path.Contains("%00", StringComparison.Ordinal))
            return null;
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            return $"{status} as {response.Content.Headers.ContentType?.ToString() ?? "no content type"}: {excerpt}";
        try
        {
            var root = JsonDocument.Parse(body).RootElement;
            var title = root.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            var detail = root.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            return string.IsNullOrWhiteSpace(title) || string.IsNullOrWhiteSpace(detail) ? $"{status} problem without a title or detail: {excerpt}" : null;
        }
        catch (JsonException)
        {
            return $"{status} problem that is not JSON: {excerpt}";
        }
    }

    async Task ValidRequestsStillWorkAsync()
    {
        var dataset = LoopData.Name("fuzz-after");
        using (var batch = await stack.Slice.Ingestion.Client.PostAsync($"datasets/{dataset}/batches", new StringContent("a,b\n1,x\n2,y\n", Encoding.UTF8, "text/csv")))
            Assert.Equal(HttpStatusCode.Accepted, batch.StatusCode);
        using (var schema = await stack.Slice.Validation!.Client.PutAsync($"datasets/{dataset}/schema",
                   new StringContent("""{"columns":[{"name":"a","type":"integer"},{"name":"b","type":"string"}]}""", Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.OK, schema.StatusCode);
        using (var pipeline = await stack.Training.Client.PutAsync($"pipelines/{LoopData.Name("fuzz-after")}",
                   new StringContent(LoopData.WeatherPipeline(dataset, trees: 2).ToJsonString(), Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.Created, pipeline.StatusCode);
        using (var model = await stack.Registry.Client.GetAsync($"models/{stack.Champion}"))
            Assert.Equal(HttpStatusCode.OK, model.StatusCode);
        using (var predict = await PredictAsync("""{"rows":[{"precipitation":0.5,"temp_max":12.2,"temp_min":5.1,"wind":3.4}]}"""))
            Assert.Equal(HttpStatusCode.OK, predict.StatusCode);
        using (var drift = await stack.Monitoring.Client.GetAsync($"models/{stack.Champion}/drift"))
        {
            // Monitoring runs on a broker of its own here, so it knows no model: the answer is a well-formed 404.
            Assert.Equal(HttpStatusCode.NotFound, drift.StatusCode);
            Assert.Contains("Monitoring knows no model", await drift.Content.ReadAsStringAsync());
        }
    }
}

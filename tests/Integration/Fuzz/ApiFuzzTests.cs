using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
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
public sealed class ApiFuzzTests(FuzzStack stack) : IClassFixture<FuzzStack>
{
    const int RequestsPerService = 450;

    static readonly string[] AdminQueries = ["state=failed", "state=pending", "state=bogus", "state=%00", "id=abc", "id=-1", "id=99999999999999999999", "max=0", "max=abc", "max=100001"];

    static readonly FuzzRoute[] Admin =
    [
        new("GET", "/admin/outbox", Queries: AdminQueries),
        new("POST", "/admin/outbox/retry", Queries: AdminQueries),
        new("GET", "/admin/error-queues"),
        new("POST", "/admin/error-queues/{queue}/replay", Queries: AdminQueries),
        new("GET", "/{dataset}"),
        new("DELETE", "/models/{model}"),
        new("PATCH", "/datasets/{dataset}/batches", BodyKind.Csv),
    ];

    static readonly string[] Limits = ["limit=-1", "limit=0", "limit=abc", "limit=1e400", "limit=99999999999", "limit=10", "limit=%00"];

    static IReadOnlyDictionary<string, FuzzRoute[]> Routes => new Dictionary<string, FuzzRoute[]>
    {
        ["Ingestion"] =
        [
            new("POST", "/datasets/{dataset}/batches", BodyKind.Csv),
            new("POST", "/datasets/{dataset}/batches", BodyKind.Ndjson),
            new("GET", "/datasets"),
            new("GET", "/datasets/{dataset}/batches"),
            new("GET", "/datasets/{dataset}/batches/{guid}"),
            new("GET", "/datasets/{dataset}/versions"),
            new("GET", "/datasets/{dataset}/versions/latest"),
            new("GET", "/datasets/{dataset}/versions/{int}"),
        ],
        ["Validation"] =
        [
            new("GET", "/datasets/{dataset}/schema"),
            new("PUT", "/datasets/{dataset}/schema", BodyKind.Schema),
            new("PUT", "/datasets/{dataset}/schema", BodyKind.Schema),
            new("GET", "/reports/{guid}"),
        ],
        ["Training"] =
        [
            new("PUT", "/pipelines/{name}", BodyKind.Pipeline),
            new("PUT", "/pipelines/{name}", BodyKind.Pipeline),
            new("GET", "/pipelines"),
            new("GET", "/pipelines/{name}"),
            new("POST", "/pipelines/{name}/runs"),
            new("GET", "/runs", Queries: ["pipeline=..%2f..%2fetc", "pipeline=%00", "pipeline=donn%C3%A9es", "status=bogus", "status=queued", .. Limits, "pipeline=ok&status=failed&limit=5"]),
            new("GET", "/runs/{guid}"),
            new("POST", "/runs/{guid}/reproduce"),
        ],
        ["Registry"] =
        [
            new("GET", "/models"),
            new("GET", "/models/{model}"),
            new("GET", "/models/{model}/versions"),
            new("GET", "/models/{model}/versions/{int}"),
            new("GET", "/models/{model}/versions/{int}/artifact"),
            new("GET", "/models/{model}/versions/{int}/onnx"),
            new("PUT", "/models/{model}/versions/{int}", BodyKind.Champion),
            new("DELETE", "/models/{model}/versions/{int}"),
            new("POST", "/models/{model}/aliases/champion", BodyKind.Champion),
            new("POST", "/models/{model}/aliases/champion", BodyKind.Champion),
            new("GET", "/models/{model}/audit"),
        ],
        ["Serving"] =
        [
            new("POST", "/models/{model}/predict", BodyKind.Predict),
            new("POST", "/models/{model}/predict", BodyKind.Predict),
            new("POST", "/models/{model}/predict", BodyKind.Predict),
            new("POST", "/models/{model}/feedback", BodyKind.Feedback),
            new("GET", "/models"),
            new("GET", "/models/{model}"),
        ],
        ["Monitoring"] =
        [
            new("GET", "/models/{model}/drift", Queries: Limits),
            new("GET", "/models/{model}/drift/report", Queries: ["window=-1", "window=abc", "window=1", "window=99999999999", "window=%00"]),
            new("GET", "/models/{model}/performance"),
        ],
    };

    [Fact]
    public async Task Thousands_of_malformed_requests_to_every_api_get_4xx_problems_and_never_a_5xx()
    {
        var seed = Environment.GetEnvironmentVariable("FUZZ_SEED") is { Length: > 0 } given ? int.Parse(given) : Random.Shared.Next();
        var random = new Random(seed);
        var inputs = new FuzzInputs(random, [stack.Champion]);
        var services = stack.All.ToDictionary(s => s.Name);
        // Generated up front from the one seeded generator, so the same seed sends the same requests whatever the timing.
        var requests = Routes.SelectMany(kv => Enumerable.Range(0, RequestsPerService)
                .Select(_ => (Service: services[kv.Key], Request: inputs.Next(random.Next(8) == 0 ? Admin[random.Next(Admin.Length)] : kv.Value[random.Next(kv.Value.Length)]))))
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

    Task<HttpResponseMessage> PredictAsync(string json) =>
        stack.Serving.Client.PostAsync($"models/{stack.Champion}/predict", new StringContent(json, Encoding.UTF8, "application/json"));

    static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    static string Detail(JsonElement problem) => problem.GetProperty("detail").GetString() ?? "";

    [Fact]
    public async Task A_body_over_the_default_limit_is_a_413_problem_naming_the_limit()
    {
        var big = new string(' ', 17 << 20);
        async Task<string> PutAsync(ServiceProcess service, string path)
        {
            // As curl does for a large body: the service answers before the body is sent.
            using var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = new StringContent("{" + big + "}", Encoding.UTF8, "application/json") };
            request.Headers.ExpectContinue = true;
            using var response = await service.Client.SendAsync(request);
            return Detail(await ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge));
        }

        // Read by the endpoint itself (Training) and bound by the framework (Validation's schema).
        Assert.Contains("16777216 bytes", await PutAsync(stack.Training, $"pipelines/{LoopData.Name("big")}"));
        Assert.Contains("16777216 bytes", await PutAsync(stack.Slice.Validation!, $"datasets/{LoopData.Name("big")}/schema"));
        using var health = await stack.Training.Client.GetAsync("health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Json_nested_deeper_than_the_limit_is_a_400_on_every_json_endpoint()
    {
        var deep = new string('[', 5000) + new string(']', 5000);
        using (var predict = await PredictAsync("{\"rows\":" + deep + "}"))
            Assert.Contains("depth", Detail(await ProblemAsync(predict, HttpStatusCode.BadRequest)));
        using (var pipeline = await stack.Training.Client.PutAsync($"pipelines/{LoopData.Name("deep")}", new StringContent("{\"drift\":" + deep + "}", Encoding.UTF8, "application/json")))
            Assert.Contains("depth", Detail(await ProblemAsync(pipeline, HttpStatusCode.BadRequest)));
        using (var schema = await stack.Slice.Validation!.Client.PutAsync($"datasets/{LoopData.Name("deep")}/schema", new StringContent("{\"unknown\":" + deep + "}", Encoding.UTF8, "application/json")))
            Assert.Contains("depth", Detail(await ProblemAsync(schema, HttpStatusCode.BadRequest)));
        using (var champion = await stack.Registry.Client.PostAsync($"models/{stack.Champion}/aliases/champion", new StringContent("{\"unknown\":" + deep + "}", Encoding.UTF8, "application/json")))
            Assert.Contains("depth", Detail(await ProblemAsync(champion, HttpStatusCode.BadRequest)));
        // 65 levels: one past the default of 64.
        using (var feedback = await stack.Serving.Client.PostAsync($"models/{stack.Champion}/feedback", new StringContent("{\"items\":" + new string('[', 64) + new string(']', 64) + "}", Encoding.UTF8, "application/json")))
            Assert.Contains("depth", Detail(await ProblemAsync(feedback, HttpStatusCode.BadRequest)));
    }

    [Theory]
    [InlineData("1e400")]
    [InlineData("-1e400")]
    [InlineData("\"NaN\"")]
    [InlineData("\"Infinity\"")]
    [InlineData("\"-Infinity\"")]
    public async Task Out_of_range_and_non_finite_numbers_in_predict_rows_are_a_400_naming_the_column(string value)
    {
        using var response = await PredictAsync($$"""{"rows":[{"precipitation":0.5,"temp_max":{{value}},"temp_min":5.1,"wind":3.4}]}""");

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("temp_max", problem.GetProperty("column").GetString());
        Assert.Contains("temp_max", Detail(problem));
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    public async Task NaN_and_infinity_literals_are_not_json_and_get_a_400_naming_the_place(string literal)
    {
        using (var predict = await PredictAsync($$"""{"rows":[{"precipitation":{{literal}},"temp_max":1,"temp_min":1,"wind":1}]}"""))
            Assert.Contains("LineNumber: 0 | BytePositionInLine", Detail(await ProblemAsync(predict, HttpStatusCode.BadRequest)));
        var definition = LoopData.WeatherPipeline("fuzz-ds", trees: 2).ToJsonString().Replace("\"minImprovement\":0", $"\"minImprovement\":{literal}");
        using (var pipeline = await stack.Training.Client.PutAsync($"pipelines/{LoopData.Name("nan")}", new StringContent(definition, Encoding.UTF8, "application/json")))
            Assert.Contains("not valid JSON", Detail(await ProblemAsync(pipeline, HttpStatusCode.BadRequest)));
    }

    [Theory]
    [InlineData("psi", "1e400")]
    [InlineData("psi", "\"NaN\"")]
    [InlineData("ksPValue", "-1e400")]
    [InlineData("driftShare", "\"Infinity\"")]
    [InlineData("windowRows", "1e400")]
    [InlineData("windowRows", "99999999999999999999999999999999999999999999999999")]
    public async Task Out_of_range_and_non_finite_pipeline_thresholds_are_a_400_naming_the_field(string field, string value)
    {
        var definition = LoopData.WeatherPipeline("fuzz-ds", trees: 2);
        definition["drift"] = new System.Text.Json.Nodes.JsonObject { [field] = "MARK" };
        var json = definition.ToJsonString().Replace("\"MARK\"", value);

        using var response = await stack.Training.Client.PutAsync($"pipelines/{LoopData.Name("thresholds")}", new StringContent(json, Encoding.UTF8, "application/json"));

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty($"drift.{field}", out _), problem.ToString());
        Assert.Contains($"drift.{field}", Detail(problem));
    }

    [Fact]
    public async Task Half_a_surrogate_pair_escaped_in_a_json_body_is_a_400_on_every_json_endpoint()
    {
        // Found by the fuzz test: the body parses, but reading that string threw and the answer was a 500.
        const string lone = "\"\\ud800\"";
        var definition = LoopData.WeatherPipeline("fuzz-ds", trees: 2).ToJsonString().Replace("\"weather\"", lone);
        var requests = new (ServiceProcess Service, HttpMethod Method, string Path, string Json)[]
        {
            (stack.Training, HttpMethod.Put, $"pipelines/{LoopData.Name("lone")}", definition),
            (stack.Serving, HttpMethod.Post, $"models/{stack.Champion}/feedback", $$"""{"items":[{"predictionId":"{{Guid.CreateVersion7()}}","label":{{lone}}}]}"""),
            (stack.Serving, HttpMethod.Post, $"models/{stack.Champion}/predict", $$"""{"rows":[{"precipitation":1,"temp_max":1,"temp_min":1,"wind":1,{{lone}}:1}]}"""),
            (stack.Slice.Validation!, HttpMethod.Put, $"datasets/{LoopData.Name("lone")}/schema", $$"""{"columns":[{"name":{{lone}},"type":"float"}]}"""),
            (stack.Registry, HttpMethod.Post, $"models/{stack.Champion}/aliases/champion", $$"""{"version":1,"reason":{{lone}}}"""),
        };
        foreach (var (service, method, path, json) in requests)
        {
            using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            using var response = await service.Client.SendAsync(request);
            var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.False(string.IsNullOrWhiteSpace(Detail(problem)), $"{service.Name} {path}: {problem}");
        }
    }

    [Theory]
    [InlineData("données")]
    [InlineData("模型")]
    [InlineData("a\u200bb")]
    [InlineData("\u202eevil")]
    [InlineData("emoji😀")]
    [InlineData("tab\tname")]
    public async Task Unicode_names_are_a_400_naming_the_rule_on_reads_and_writes_of_every_service(string name)
    {
        var escaped = Uri.EscapeDataString(name);
        var checks = new (ServiceProcess Service, HttpMethod Method, string Path, string Title)[]
        {
            (stack.Slice.Ingestion, HttpMethod.Get, $"datasets/{escaped}/batches", "Invalid dataset name"),
            (stack.Slice.Ingestion, HttpMethod.Post, $"datasets/{escaped}/batches", "Invalid dataset name"),
            (stack.Slice.Ingestion, HttpMethod.Get, $"datasets/{escaped}/versions/latest", "Invalid dataset name"),
            (stack.Slice.Validation!, HttpMethod.Get, $"datasets/{escaped}/schema", "Invalid dataset name"),
            (stack.Slice.Validation!, HttpMethod.Put, $"datasets/{escaped}/schema", "Invalid dataset name"),
            (stack.Training, HttpMethod.Get, $"pipelines/{escaped}", "Invalid pipeline name"),
            (stack.Training, HttpMethod.Put, $"pipelines/{escaped}", "Invalid pipeline name"),
            (stack.Registry, HttpMethod.Get, $"models/{escaped}/versions/1", "Invalid model name"),
            (stack.Registry, HttpMethod.Post, $"models/{escaped}/aliases/champion", "Invalid model name"),
            (stack.Serving, HttpMethod.Post, $"models/{escaped}/predict", "Invalid model name"),
            (stack.Serving, HttpMethod.Get, $"models/{escaped}", "Invalid model name"),
            (stack.Monitoring, HttpMethod.Get, $"models/{escaped}/drift/report", "Invalid model name"),
        };
        foreach (var (service, method, path, title) in checks)
        {
            // A body that would itself be a 400 (or a 415): the name is checked before the body is read.
            using var request = new HttpRequestMessage(method, path) { Content = method == HttpMethod.Get ? null : new StringContent("{", Encoding.UTF8, "application/json") };
            using var response = await service.Client.SendAsync(request);
            var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.Equal(title, problem.GetProperty("title").GetString());
            Assert.Contains(MlOps.ServiceDefaults.Names.Rule, Detail(problem));
            Assert.Contains(name, Detail(problem));
        }
    }

    [Fact]
    public async Task A_path_traversal_in_a_read_route_is_a_400_not_a_listing()
    {
        using var response = await stack.Slice.Ingestion.Client.GetAsync("datasets/..%2f..%2fetc/batches");

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("Invalid dataset name", problem.GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("text/html")]
    [InlineData("application/xml")]
    public async Task Framework_answers_are_problems_with_a_detail_whatever_the_accept_header(string accept)
    {
        async Task<JsonElement> SendAsync(HttpMethod method, string path, HttpStatusCode status, HttpContent? content = null)
        {
            using var request = new HttpRequestMessage(method, path) { Content = content };
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
            using var response = await stack.Slice.Validation!.Client.SendAsync(request);
            var problem = await ProblemAsync(response, status);
            Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
            return problem;
        }

        Assert.Contains("/no/such/route", Detail(await SendAsync(HttpMethod.Get, "no/such/route", HttpStatusCode.NotFound)));
        Assert.Contains("DELETE", Detail(await SendAsync(HttpMethod.Delete, "datasets/fuzz-x/schema", HttpStatusCode.MethodNotAllowed)));
        Assert.Contains("JSON", Detail(await SendAsync(HttpMethod.Put, "datasets/fuzz-x/schema", HttpStatusCode.BadRequest, new StringContent("{\"columns\":", Encoding.UTF8, "application/json"))));
        Assert.Contains("text/plain", Detail(await SendAsync(HttpMethod.Put, "datasets/fuzz-x/schema", HttpStatusCode.UnsupportedMediaType, new StringContent("{}", Encoding.UTF8, "text/plain"))));
    }

    [Fact]
    public async Task A_client_over_the_configured_rate_gets_429_problems_with_retry_after_and_health_stays_open()
    {
        var limited = stack.RateLimited;

        // At once, so the bucket (3, refilled by 1 a second) has no time to refill between them.
        var responses = (await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => limited.Client.GetAsync("datasets")))).ToList();
        try
        {
            Assert.True(responses.Count(r => r.StatusCode == HttpStatusCode.OK) is >= 3 and <= 5, string.Join(", ", responses.Select(r => (int)r.StatusCode)));
            var refused = responses.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
            var problem = await ProblemAsync(refused, HttpStatusCode.TooManyRequests);
            Assert.Contains("Limits:RequestsPerSecond", Detail(problem));
            Assert.True(refused.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 }, $"Retry-After: {refused.Headers.RetryAfter}");
        }
        finally
        {
            responses.ForEach(r => r.Dispose());
        }
        // Health is never limited, so an orchestrator's probes do not fail under load.
        for (var i = 0; i < 5; i++)
        {
            using var health = await limited.Client.GetAsync("health");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
        // The bucket refills: a second later the client is served again.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        using var again = await limited.Client.GetAsync("datasets");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }
}

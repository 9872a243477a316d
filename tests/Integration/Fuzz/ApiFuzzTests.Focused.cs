using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MlOps.Tests.Integration.Infrastructure;
using MlOps.Tests.Integration.Loop;

namespace MlOps.Tests.Integration.Fuzz;

/// <summary>
/// Focused cases of bad input on the same services: limits on body size, JSON depth and rate, numbers out of range,
/// unicode names, and the regressions the fuzz test found.
/// </summary>
public sealed partial class ApiFuzzTests
{
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
            // A body that would itself be a 400, or a content type routing would answer with 415: the name is checked
            // before the body or its type.
            foreach (var contentType in method == HttpMethod.Get ? new string?[] { null } : ["application/json", "text/plain"])
            {
                using var request = new HttpRequestMessage(method, path) { Content = contentType is null ? null : new StringContent("{", Encoding.UTF8, contentType) };
                using var response = await service.Client.SendAsync(request);
                var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
                Assert.Equal(title, problem.GetProperty("title").GetString());
                Assert.Contains(MlOps.ServiceDefaults.Names.Rule, Detail(problem));
                Assert.Contains(name, Detail(problem));
            }

            // No route takes DELETE: routing would answer 405, and the name is checked before that too.
            using var delete = await service.Client.DeleteAsync(path);
            var refused = await ProblemAsync(delete, HttpStatusCode.BadRequest);
            Assert.Equal(title, refused.GetProperty("title").GetString());
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

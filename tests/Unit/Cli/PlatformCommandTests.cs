using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlOps.Tests.Unit.Cli;

/// <summary>
/// How platform commands shape their requests and read the answers, against a stub handler: Serving's predict and
/// Monitoring's drift in detail (tests/Integration/Cli runs them against the real services), addresses, the API key and problem details.
/// </summary>
public sealed class PlatformCommandTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("mlops-cli-unit-").FullName;
    static readonly Dictionary<string, string> NoVariables = [];

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string WriteFile(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public async Task Predict_by_name_posts_typed_rows_to_Serving_and_prints_labels_probabilities_and_ids()
    {
        var stub = new StubPlatform().OnJson("POST", "http://127.0.0.1:5105/models/weather/predict", """
            {"model":"weather","version":3,"predictions":[{"label":"rain","probabilities":{"rain":0.75,"sun":0.25}},{"label":"sun","probabilities":{"rain":0.1,"sun":0.9}}],
             "predictionIds":["11111111-1111-1111-1111-111111111111","22222222-2222-2222-2222-222222222222"]}
            """);
        var data = WriteFile("rows.csv", "date,precipitation,windy,note\n2012-01-01,0.5,true,\"a, b\"\n2012-01-02,,false,\n");

        var (code, output, error) = await StubPlatform.RunAsync(stub, new Dictionary<string, string> { ["MLOPS_API_KEY"] = "k1" }, "predict", "--model", "weather", "--data", data);

        Assert.True(code == 0, error);
        var (request, body) = Assert.Single(stub.Requests);
        Assert.Equal("k1", request.Headers.GetValues("X-Api-Key").Single());
        Assert.Equal("application/json", request.Content!.Headers.ContentType!.MediaType);
        var rows = JsonNode.Parse(body)!["rows"]!.AsArray();
        Assert.Equal(2, rows.Count);
        Assert.Equal(JsonValueKind.String, rows[0]!["date"]!.GetValueKind());
        Assert.Equal(0.5, rows[0]!["precipitation"]!.GetValue<double>());
        Assert.Null(rows[1]!["precipitation"]);
        Assert.True(rows[0]!["windy"]!.GetValue<bool>());
        Assert.Equal("a, b", rows[0]!["note"]!.GetValue<string>());
        Assert.Null(rows[1]!["note"]);
        Assert.Equal(
            "prediction,p_rain,p_sun,predictionId\nrain,0.75,0.25,11111111-1111-1111-1111-111111111111\nsun,0.1,0.9,22222222-2222-2222-2222-222222222222\n",
            output.Replace("\r\n", "\n"));
        Assert.Contains("v3", error);
    }

    [Fact]
    public async Task Predict_by_name_sends_ndjson_lines_as_they_are_and_json_prints_the_answer()
    {
        var stub = new StubPlatform().OnJson("POST", "http://serving.test:9000/models/price/predict",
            """{"model":"price","version":1,"predictions":[{"value":12.5}],"predictionIds":["33333333-3333-3333-3333-333333333333"]}""");
        var data = WriteFile("rows.ndjson", "{\"size\":\"10\",\"rooms\":3,\"garden\":null}\n\n");

        var (code, output, error) = await StubPlatform.RunAsync(stub, new Dictionary<string, string> { ["MLOPS_URL_SERVING"] = "http://serving.test:9000" },
            "predict", "--model", "price", "--data", data, "--json");

        Assert.True(code == 0, error);
        var row = JsonNode.Parse(stub.Requests.Single().Body)!["rows"]![0]!;
        Assert.Equal("10", row["size"]!.GetValue<string>());
        Assert.Equal(3, row["rooms"]!.GetValue<int>());
        Assert.True(row.AsObject().ContainsKey("garden"));
        using var answer = JsonDocument.Parse(output);
        Assert.Equal(12.5, answer.RootElement.GetProperty("predictions")[0].GetProperty("value").GetDouble());
    }

    [Fact]
    public async Task Drift_prints_windows_and_the_latest_windows_features_and_json_passes_the_answer_through()
    {
        const string drift = """
            {"model":"weather","windows":[
              {"window":1,"version":2,"rows":500,"driftShare":0.0,"driftDetected":false,"features":[{"feature":"temp_max","test":"ks","score":0.3,"threshold":0.05,"drifted":false}]},
              {"window":2,"version":2,"rows":500,"driftShare":0.75,"driftDetected":true,"features":[{"feature":"temp_max","test":"ks","score":0.0001,"threshold":0.05,"drifted":true}]}]}
            """;
        var stub = new StubPlatform().OnJson("GET", "http://127.0.0.1:5106/models/weather/drift", drift);

        var (code, output, error) = await StubPlatform.RunAsync(stub, NoVariables, "drift", "weather");
        Assert.True(code == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("WINDOW", lines[0]);
        Assert.Matches(@"^2\s+v2\s+500\s+0\.75\s+yes$", lines[2]);
        Assert.Contains("window 2:", output);
        Assert.Matches(@"temp_max\s+ks\s+0\.0001\s+0\.05\s+yes", output);

        (code, output, _) = await StubPlatform.RunAsync(stub, NoVariables, "drift", "weather", "--json");
        Assert.Equal(0, code);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(drift), JsonNode.Parse(output)));
    }

    [Fact]
    public async Task A_problem_answer_fails_with_service_url_status_title_detail_and_fields()
    {
        var stub = new StubPlatform().OnJson("GET", "http://127.0.0.1:5106/models/nope/drift",
            """{"type":"x","title":"Model not monitored","status":404,"detail":"No predictions of 'nope' have arrived.","errors":{"model":["unknown"]}}""",
            HttpStatusCode.NotFound, "application/problem+json");

        var (code, output, error) = await StubPlatform.RunAsync(stub, NoVariables, "drift", "nope", "--json");

        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Contains("Monitoring answered 404", error);
        Assert.Contains("GET http://127.0.0.1:5106/models/nope/drift", error);
        Assert.Contains("Model not monitored — No predictions of 'nope' have arrived.", error);
        Assert.Contains("model: unknown", error);
    }

    [Fact]
    public async Task An_unreachable_service_is_named_with_its_address_and_how_to_start_the_platform()
    {
        var (code, _, error) = await StubPlatform.RunAsync(new StubPlatform(), NoVariables, "drift", "weather");
        Assert.Equal(1, code);
        Assert.Contains("cannot reach Monitoring at http://127.0.0.1:5106 — is the platform running? scripts/run.sh", error);
    }

    [Fact]
    public async Task A_bad_service_address_is_named()
    {
        var (code, _, error) = await StubPlatform.RunAsync(new StubPlatform(), new Dictionary<string, string> { ["MLOPS_URL_MONITORING"] = "ftp://x" }, "drift", "weather");
        Assert.Equal(1, code);
        Assert.Contains("MLOPS_URL_MONITORING='ftp://x'", error);
    }

    [Fact]
    public async Task Promote_sends_version_reason_and_the_user()
    {
        var stub = new StubPlatform().OnJson("POST", "http://127.0.0.1:5104/models/m/aliases/champion",
            """{"model":"m","version":1,"previousVersion":2,"changed":true,"audit":{"who":"ops-test","action":"rollback","reason":"bad"}}""");
        var (code, output, error) = await StubPlatform.RunAsync(stub, NoVariables, "promote", "m", "1", "--reason", "bad");
        Assert.True(code == 0, error);
        var (request, body) = Assert.Single(stub.Requests);
        Assert.Equal("ops-test", request.Headers.GetValues("X-User").Single());
        Assert.False(request.Headers.Contains("X-Api-Key"));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"version":1,"reason":"bad"}"""), JsonNode.Parse(body)));
        Assert.Contains("champion v2 -> v1 (rollback by ops-test: bad)", output);
    }

    [Fact]
    public async Task Replay_replays_only_queues_holding_messages()
    {
        var stub = new StubPlatform()
            .OnJson("GET", "http://127.0.0.1:5103/admin/error-queues",
                """[{"queue":"train-on-new-data","errorQueue":"train-on-new-data_error","messages":2},{"queue":"retrain-on-drift","errorQueue":"retrain-on-drift_error","messages":0}]""")
            .OnJson("POST", "http://127.0.0.1:5103/admin/error-queues/train-on-new-data/replay", """{"queue":"train-on-new-data","replayed":2}""");
        var (code, output, error) = await StubPlatform.RunAsync(stub, NoVariables, "replay", "training", "--json");
        Assert.True(code == 0, error);
        Assert.Equal(2, stub.Requests.Count);
        var results = JsonNode.Parse(output)!.AsArray();
        Assert.Equal(2, results[0]!["replayed"]!.GetValue<long>());
        Assert.Equal(0, results[1]!["replayed"]!.GetValue<long>());
        Assert.Contains("2 message(s) replayed on Training", error);
    }

    [Fact]
    public async Task Predict_by_version_refuses_an_artifact_whose_hash_does_not_match_the_record()
    {
        var stub = new StubPlatform()
            .OnJson("GET", "http://127.0.0.1:5104/models/m/versions/2", """{"model":"m","version":2,"artifactHash":"sha256:0000000000000000000000000000000000000000000000000000000000000000"}""")
            .On("GET", "http://127.0.0.1:5104/models/m/versions/2/artifact", (_, _) => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([1, 2, 3]) });
        var data = WriteFile("rows.csv", "a\n1\n");
        var (code, _, error) = await StubPlatform.RunAsync(stub, NoVariables, "predict", "--model", "m@2", "--data", data);
        Assert.Equal(1, code);
        Assert.Contains("m@2: the downloaded artifact hashes to sha256:039058c6", error);
        Assert.Contains("not the recorded sha256:0000", error);
    }

    [Theory]
    [InlineData("no/such/file.mlm", "does not exist")]
    [InlineData("m@x", "positive whole number")]
    [InlineData("m@0", "positive whole number")]
    [InlineData("bad name", "does not exist")]
    public async Task A_model_that_is_neither_a_file_nor_a_platform_name_is_refused_before_any_request(string model, string message)
    {
        var stub = new StubPlatform();
        var (code, _, error) = await StubPlatform.RunAsync(stub, NoVariables, "export", "--model", model, "--onnx", Path.Combine(_dir, "x.onnx"));
        Assert.Equal(1, code);
        Assert.Contains(message, error);
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task Status_reads_the_health_breakdown_of_an_unhealthy_service_and_exits_non_zero()
    {
        var stub = new StubPlatform()
            .OnJson("GET", "http://127.0.0.1:5103/health", """{"status":"Healthy","checks":{"self":{"status":"Healthy","description":null}}}""")
            .OnJson("GET", "http://127.0.0.1:5104/health",
                """{"status":"Unhealthy","checks":{"self":{"status":"Healthy","description":null},"registrydb":{"status":"Unhealthy","description":"connection refused"}}}""",
                HttpStatusCode.ServiceUnavailable);

        var (code, output, error) = await StubPlatform.RunAsync(stub, NoVariables, "status", "training");
        Assert.True(code == 0, error);
        Assert.Matches(@"Training\s+http://127\.0\.0\.1:5103\s+Healthy", output);

        (code, output, error) = await StubPlatform.RunAsync(stub, NoVariables, "status", "training", "registry", "--json");
        Assert.Equal(1, code);
        var services = JsonNode.Parse(output)!.AsArray();
        Assert.True(services[0]!["healthy"]!.GetValue<bool>());
        Assert.False(services[1]!["healthy"]!.GetValue<bool>());
        Assert.Equal("registrydb: Unhealthy (connection refused)", services[1]!["detail"]!.GetValue<string>());
        Assert.Contains("error: Registry at http://127.0.0.1:5104 is unhealthy: registrydb: Unhealthy (connection refused)", error);
        Assert.DoesNotContain("Training", error);

        (code, _, error) = await StubPlatform.RunAsync(stub, NoVariables, "status", "nosuch");
        Assert.Equal(1, code);
        Assert.Contains("Unknown service 'nosuch'", error);
    }
}

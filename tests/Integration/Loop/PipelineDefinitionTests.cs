using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlOps.Tests.Integration.Infrastructure;

namespace MlOps.Tests.Integration.Loop;

/// <summary>Pipeline definitions through the Training API: invalid ones are refused naming the field, and start nothing.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class PipelineDefinitionTests(InfrastructureFixture infra)
{
    [Fact]
    public async Task A_definition_without_a_target_is_refused_naming_the_field_and_no_run_starts()
    {
        var loop = await infra.LoopAsync();
        var name = LoopData.Name("notarget");
        var dataset = LoopData.Name("seattle");
        var definition = LoopData.WeatherPipeline(dataset, trees: 2, minNewRows: 1);
        definition.Remove("target");

        using var response = await LoopData.PutPipelineAsync(loop, name, definition);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(problem.GetProperty("errors").TryGetProperty("target", out _), problem.ToString());

        // Data for its dataset arrives: with no pipeline stored, nothing trains.
        await LoopData.PublishVersionAsync(loop, dataset, 1, LoopData.WeatherCsv(0, 50));
        await Task.Delay(TimeSpan.FromSeconds(2));
        using (var get = await loop.Training.Client.GetAsync($"pipelines/{name}"))
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        var runs = await loop.Training.Client.GetFromJsonAsync<JsonElement>($"runs?pipeline={name}");
        Assert.Equal(0, runs.GetArrayLength());
        using (var run = await loop.Training.Client.PostAsync($"pipelines/{name}/runs", null))
            Assert.Equal(HttpStatusCode.NotFound, run.StatusCode);
    }

    [Theory]
    [InlineData("trainer.name", "\"trainer\": {\"name\": \"xgboost\"}")]
    [InlineData("trainer.params", "\"trainer\": {\"name\": \"gbdt\", \"params\": {\"trees\": 0}}")]
    [InlineData("drift.psi", "\"drift\": {\"psi\": -0.2}")]
    [InlineData("split.holdout", "\"split\": {\"holdout\": 1.5}")]
    [InlineData("promotion.metric", "\"promotion\": {\"metric\": \"rmse\"}")]
    [InlineData("dataset", "\"dataset\": \"../etc\"")]
    [InlineData("retrain.minNewRows", "\"retrain\": {\"minNewRows\": -1}")]
    [InlineData("tpyo", "\"tpyo\": 1")]
    public async Task An_invalid_field_is_refused_with_a_problem_naming_it(string field, string json)
    {
        var loop = await infra.LoopAsync();
        var definition = LoopData.WeatherPipeline(LoopData.Name("ds"), trees: 2);
        var patch = JsonNode.Parse("{" + json + "}")!.AsObject();
        foreach (var (key, value) in patch.ToList())
        {
            patch.Remove(key);
            definition[key] = value;
        }

        using var response = await LoopData.PutPipelineAsync(loop, LoopData.Name("bad"), definition);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Contains(field, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Bad_names_and_malformed_bodies_get_a_problem_not_a_500()
    {
        var loop = await infra.LoopAsync();
        var client = loop.Training.Client;
        using (var badName = await LoopData.PutPipelineAsync(loop, "bad%20name", LoopData.WeatherPipeline("ds", 2)))
            await RegistryTests.AssertProblemAsync(badName, HttpStatusCode.BadRequest);
        using (var malformed = await client.PutAsync($"pipelines/{LoopData.Name("p")}", new StringContent("{\"dataset\":", Encoding.UTF8, "application/json")))
            await RegistryTests.AssertProblemAsync(malformed, HttpStatusCode.BadRequest);
        using (var badQuery = await client.GetAsync("runs?pipeline=..%2F"))
            await RegistryTests.AssertProblemAsync(badQuery, HttpStatusCode.BadRequest);
        using (var unknownRun = await client.GetAsync($"runs/{Guid.NewGuid()}"))
            await RegistryTests.AssertProblemAsync(unknownRun, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_same_definition_again_keeps_its_hash_and_revision_and_a_change_makes_a_new_one()
    {
        var loop = await infra.LoopAsync();
        var name = LoopData.Name("rev");
        var definition = LoopData.WeatherPipeline(LoopData.Name("ds"), trees: 2);
        using var first = await LoopData.PutPipelineAsync(loop, name, definition);
        var a = await first.Content.ReadFromJsonAsync<JsonElement>();
        using var again = await LoopData.PutPipelineAsync(loop, name, definition);
        var b = await again.Content.ReadFromJsonAsync<JsonElement>();
        definition["trainer"]!["params"]!["trees"] = 3;
        using var changed = await LoopData.PutPipelineAsync(loop, name, definition);
        var c = await changed.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(a.GetProperty("definitionHash").GetString(), b.GetProperty("definitionHash").GetString());
        Assert.False(b.GetProperty("changed").GetBoolean());
        Assert.Equal(1, b.GetProperty("revision").GetInt32());
        Assert.NotEqual(a.GetProperty("definitionHash").GetString(), c.GetProperty("definitionHash").GetString());
        Assert.Equal(2, c.GetProperty("revision").GetInt32());
        var stored = await loop.Training.Client.GetFromJsonAsync<JsonElement>($"pipelines/{name}");
        Assert.Equal(2, stored.GetProperty("revisions").GetArrayLength());
        Assert.Equal(3, stored.GetProperty("definition").GetProperty("trainer").GetProperty("params").GetProperty("trees").GetDouble());
    }
}

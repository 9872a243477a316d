using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MlOps.Contracts;
using MlOps.Tests.Integration.Infrastructure;

namespace MlOps.Tests.Integration.Loop;

/// <summary>Run triggers through events: new rows, drift, coalescing during a run and its cooldown, redelivery.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class TriggerTests(InfrastructureFixture infra)
{
    static DriftDetected Drift(string model) => new(model, 1, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow, 500,
        [new FeatureDrift("temp_max", "psi", 0.4, 0.2, true)], 1.0, null, Guid.NewGuid(), DateTimeOffset.UtcNow);

    [Fact]
    public async Task Triggers_during_a_run_and_its_cooldown_coalesce_into_one_follow_up_run_and_a_redelivered_version_starts_nothing()
    {
        var loop = await infra.LoopAsync();
        var name = LoopData.Name("coalesce");
        var dataset = LoopData.Name("seattle");
        var definition = LoopData.WeatherPipeline(dataset, trees: 3);
        definition["retrain"]!["cooldownSeconds"] = 3;
        using (var put = await LoopData.PutPipelineAsync(loop, name, definition))
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);

        await LoopData.PublishVersionAsync(loop, dataset, 1, LoopData.WeatherCsv(0, 600));
        var first = (await LoopData.PollAsync(loop.Training.Client, $"runs?pipeline={name}",
            r => r.GetArrayLength() == 1 && r[0].GetProperty("status").GetString() != "queued"))[0];

        // While the first run runs (or cools down): two drift reports and 100 new rows.
        await loop.Bus.Publish(Drift(name));
        await loop.Bus.Publish(Drift(name));
        var v2 = await LoopData.PublishVersionAsync(loop, dataset, 2, LoopData.WeatherCsv(0, 600), LoopData.WeatherCsv(600, 700));

        var runs = await LoopData.PollAsync(loop.Training.Client, $"runs?pipeline={name}",
            r => r.GetArrayLength() >= 2 && r.EnumerateArray().All(x => x.GetProperty("status").GetString() == "succeeded"));
        Assert.Equal(2, runs.GetArrayLength());
        var followUp = runs[0];
        Assert.Equal(["drift", "drift", "new-data"], followUp.GetProperty("triggers").EnumerateArray().Select(t => t.GetString()!).Order());
        Assert.Equal(2, followUp.GetProperty("datasetVersion").GetProperty("number").GetInt32());
        var firstDone = await loop.Training.Client.GetFromJsonAsync<JsonElement>($"runs/{first.GetProperty("runId").GetGuid()}");
        var cooledDown = followUp.GetProperty("timings").GetProperty("startedAt").GetDateTimeOffset()
            - firstDone.GetProperty("timings").GetProperty("finishedAt").GetDateTimeOffset();
        Assert.True(cooledDown >= TimeSpan.FromSeconds(2.9), $"the follow-up started {cooledDown} after the first run finished");

        // The same version delivered again (a republish: a new message id) and an older one: nothing new to train on.
        await loop.Bus.Publish(v2);
        await LoopData.PublishVersionAsync(loop, dataset, 1, LoopData.WeatherCsv(0, 600));
        await Task.Delay(TimeSpan.FromSeconds(2));
        var after = await loop.Training.Client.GetFromJsonAsync<JsonElement>($"runs?pipeline={name}");
        Assert.Equal(2, after.GetArrayLength());
    }

    [Fact]
    public async Task Drift_starts_no_run_when_the_pipeline_does_not_retrain_on_drift_and_too_few_new_rows_start_none()
    {
        var loop = await infra.LoopAsync();
        var name = LoopData.Name("nodrift");
        var dataset = LoopData.Name("seattle");
        var definition = LoopData.WeatherPipeline(dataset, trees: 2, minNewRows: 1000);
        definition["retrain"]!["onDrift"] = false;
        using (var put = await LoopData.PutPipelineAsync(loop, name, definition))
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);

        await loop.Bus.Publish(Drift(name));
        await LoopData.PublishVersionAsync(loop, dataset, 1, LoopData.WeatherCsv(0, 999));
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(0, (await loop.Training.Client.GetFromJsonAsync<JsonElement>($"runs?pipeline={name}")).GetArrayLength());

        // The 1000th row arrives: now it trains, on version 2.
        await LoopData.PublishVersionAsync(loop, dataset, 2, LoopData.WeatherCsv(0, 999), LoopData.WeatherCsv(999, 1000));
        var runs = await LoopData.PollAsync(loop.Training.Client, $"runs?pipeline={name}",
            r => r.GetArrayLength() == 1 && r[0].GetProperty("status").GetString() == "succeeded");
        Assert.Equal(2, runs[0].GetProperty("datasetVersion").GetProperty("number").GetInt32());
        Assert.Equal("new-data", runs[0].GetProperty("trigger").GetString());
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MlOps.Contracts;
using MlOps.Tests.Integration.Infrastructure;

namespace MlOps.Tests.Integration.Loop;

/// <summary>The Registry fed <c>ModelTrained</c> straight from the bus, as Training publishes it.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class RegistryTests(InfrastructureFixture infra)
{
    /// <summary>A trained model as Training would announce it, without a holdout (the gate then compares reported scores).</summary>
    static ModelTrained Trained(string model, double accuracy, Guid? runId = null, bool requireApproval = false) => new(
        runId ?? Guid.NewGuid(), model,
        new DatasetVersion("ds-" + model, "sha256:" + new string('a', 64), ["sha256:" + new string('b', 64)], 100, 1, [100]),
        "sha256:" + new string('c', 64), "gbdt", new Dictionary<string, double> { ["trees"] = 10 }, 42, "test",
        new Dictionary<string, double> { ["accuracy"] = accuracy }, "sha256:" + new string('d', 64), [], "manual", Guid.NewGuid(), DateTimeOffset.UtcNow,
        MlTask.Binary, "label", null, new PromotionPolicy("accuracy", 0, null, requireApproval));

    static async Task<JsonElement> SettledVersionsAsync(LoopServices loop, string model, int expected)
    {
        var versions = await LoopData.PollAsync(loop.Registry.Client, $"models/{model}/versions", v => v.GetArrayLength() >= expected);
        // Keep watching a little: a late duplicate would show up now.
        await Task.Delay(TimeSpan.FromSeconds(2));
        return await loop.Registry.Client.GetFromJsonAsync<JsonElement>($"models/{model}/versions");
    }

    [Fact]
    public async Task The_same_ModelTrained_delivered_twice_registers_one_version()
    {
        var loop = await infra.LoopAsync();
        var model = LoopData.Name("dup");
        var trained = Trained(model, 0.8);

        // Two publishes are two deliveries with different message ids: only the run id can tell they are the same.
        await loop.Bus.Publish(trained);
        await loop.Bus.Publish(trained);

        var versions = await SettledVersionsAsync(loop, model, 1);
        var version = Assert.Single(versions.EnumerateArray());
        Assert.Equal(trained.RunId, version.GetProperty("runId").GetGuid());
        var summary = await loop.Registry.Client.GetFromJsonAsync<JsonElement>($"models/{model}");
        Assert.Equal(1, summary.GetProperty("versions").GetInt32());
        Assert.Equal(1, summary.GetProperty("champion").GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Fifty_concurrent_ModelTrained_for_one_model_become_versions_1_to_50_exactly()
    {
        var loop = await infra.LoopAsync();
        var model = LoopData.Name("race");
        var trained = Enumerable.Range(0, 50).Select(i => Trained(model, 0.5)).ToList();

        await Task.WhenAll(trained.Select(t => loop.Bus.Publish(t)));

        var versions = await SettledVersionsAsync(loop, model, 50);
        Assert.Equal(Enumerable.Range(1, 50), versions.EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
        Assert.Equal(trained.Select(t => t.RunId).Order(), versions.EnumerateArray().Select(v => v.GetProperty("runId").GetGuid()).Order());
        // Equal scores never replace the champion: version 1 stays, every other version is declined.
        Assert.Single(versions.EnumerateArray(), v => v.GetProperty("gate").GetProperty("decision").GetString() == "promoted");
        Assert.Equal(49, versions.EnumerateArray().Count(v => v.GetProperty("gate").GetProperty("decision").GetString() == "declined"));
    }

    [Fact]
    public async Task A_person_rolls_the_champion_back_with_a_reason_and_the_audit_log_records_it()
    {
        var loop = await infra.LoopAsync();
        var model = LoopData.Name("rollback");
        await loop.Bus.Publish(Trained(model, 0.6));
        await LoopData.VersionAsync(loop, model, 1);
        await loop.Bus.Publish(Trained(model, 0.7));
        var v2 = await LoopData.VersionAsync(loop, model, 2);
        Assert.Equal("promoted", v2.GetProperty("gate").GetProperty("decision").GetString());

        var request = new HttpRequestMessage(HttpMethod.Post, $"models/{model}/aliases/champion")
        {
            Content = JsonContent.Create(new { version = 1, reason = "v2 misbehaves in production" }),
        };
        request.Headers.Add("X-User", "ops-alice");
        using var response = await loop.Registry.Client.SendAsync(request);
        var moved = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.OK, moved.ToString());
        Assert.Equal(2, moved.GetProperty("previousVersion").GetInt32());

        var summary = await loop.Registry.Client.GetFromJsonAsync<JsonElement>($"models/{model}");
        Assert.Equal(1, summary.GetProperty("champion").GetProperty("version").GetInt32());
        var audit = (await loop.Registry.Client.GetFromJsonAsync<JsonElement>($"models/{model}/audit")).EnumerateArray().ToList();
        Assert.Equal(3, audit.Count);
        var last = audit[^1];
        Assert.Equal("ops-alice", last.GetProperty("who").GetString());
        Assert.Equal("rollback", last.GetProperty("action").GetString());
        Assert.Equal(2, last.GetProperty("from").GetInt32());
        Assert.Equal(1, last.GetProperty("to").GetInt32());
        Assert.Equal("v2 misbehaves in production", last.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Versions_cannot_be_edited_and_bad_names_or_requests_get_a_problem_not_a_500()
    {
        var loop = await infra.LoopAsync();
        var model = LoopData.Name("immutable");
        await loop.Bus.Publish(Trained(model, 0.6));
        await LoopData.VersionAsync(loop, model, 1);
        var client = loop.Registry.Client;

        using (var put = await client.PutAsync($"models/{model}/versions/1", new StringContent("{\"metrics\":{}}", Encoding.UTF8, "application/json")))
            await AssertProblemAsync(put, HttpStatusCode.Conflict);
        using (var delete = await client.DeleteAsync($"models/{model}/versions/1"))
            await AssertProblemAsync(delete, HttpStatusCode.Conflict);
        using (var bad = await client.GetAsync("models/bad%20name/versions"))
            await AssertProblemAsync(bad, HttpStatusCode.BadRequest);
        using (var missing = await client.GetAsync($"models/{model}/versions/7"))
            await AssertProblemAsync(missing, HttpStatusCode.NotFound);
        using (var noReason = await client.PostAsync($"models/{model}/aliases/champion", JsonContent.Create(new { version = 1 })))
            await AssertProblemAsync(noReason, HttpStatusCode.BadRequest);
        using (var malformed = await client.PostAsync($"models/{model}/aliases/champion", new StringContent("{not json", Encoding.UTF8, "application/json")))
            await AssertProblemAsync(malformed, HttpStatusCode.BadRequest);
        using (var unknownVersion = await client.PostAsync($"models/{model}/aliases/champion", JsonContent.Create(new { version = 9, reason = "x" })))
            await AssertProblemAsync(unknownVersion, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_better_candidate_waits_for_approval_when_the_policy_requires_it_and_a_person_promotes_it()
    {
        var loop = await infra.LoopAsync();
        var model = LoopData.Name("approval");
        await loop.Bus.Publish(Trained(model, 0.6, requireApproval: true));
        var v1 = await LoopData.VersionAsync(loop, model, 1);
        Assert.Equal("awaiting_approval", v1.GetProperty("gate").GetProperty("decision").GetString());
        var summary = await loop.Registry.Client.GetFromJsonAsync<JsonElement>($"models/{model}");
        Assert.Equal(JsonValueKind.Null, summary.GetProperty("champion").ValueKind);
        Assert.Equal([1], summary.GetProperty("awaitingApproval").EnumerateArray().Select(v => v.GetInt32()));

        using var response = await loop.Registry.Client.PostAsync($"models/{model}/aliases/champion", JsonContent.Create(new { version = 1, reason = "reviewed the holdout report" }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        summary = await loop.Registry.Client.GetFromJsonAsync<JsonElement>($"models/{model}");
        Assert.Equal(1, summary.GetProperty("champion").GetProperty("version").GetInt32());
        Assert.Equal(0.6, summary.GetProperty("champion").GetProperty("score").GetDouble(), 9);
        var entry = Assert.Single((await loop.Registry.Client.GetFromJsonAsync<JsonElement>($"models/{model}/audit")).EnumerateArray());
        Assert.Equal("promote", entry.GetProperty("action").GetString());
        Assert.Equal("anonymous", entry.GetProperty("who").GetString());
    }

    internal static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}

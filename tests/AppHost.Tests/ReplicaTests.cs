using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using System.Net.Http.Json;
using System.Text.Json;

namespace MlOps.Tests.AppHost;

/// <summary>The platform with two processes of Validation, Training, Serving and Monitoring (<c>AppHost:Replicas=2</c>).</summary>
/// <remarks>Ten service processes start on the same cores as six: a longer start timeout.</remarks>
public sealed class ReplicaPlatformFixture() : PlatformFixture(["--AppHost:Replicas=2"], Replicas, TimeSpan.FromMinutes(8))
{
    public static readonly string[] Replicas = ["validation-2", "training-2", "serving-2", "monitoring-2"];
}

[CollectionDefinition(Name)]
public sealed class ReplicaPlatformCollection : ICollectionFixture<ReplicaPlatformFixture>
{
    public const string Name = "platform with replicas";
}

/// <summary>
/// The continuous-training loop (<see cref="LoopScenario"/>) unchanged on replicas sharing each service's database and
/// queues, and no effect doubled: each batch decided once, each run trained once, one model version per run, each
/// drift window counted once.
/// </summary>
[Collection(ReplicaPlatformCollection.Name)]
public sealed class ReplicaTests(ReplicaPlatformFixture platform)
{
    [Fact]
    public async Task The_loop_passes_with_two_replicas_of_each_scalable_service_and_no_effect_is_doubled()
    {
        // The fixture waited for every replica to be healthy, as for every service.
        var loop = await LoopScenario.RunAsync(platform);

        using var ingestion = platform.Client("ingestion");
        using var validation = platform.Client("validation");
        using var training = platform.Client("training");
        using var registry = platform.Client("registry");
        using var monitoring = platform.Client("monitoring");

        // Each batch decided once: one report, the one Ingestion recorded, and one dataset version per accepted batch.
        var batches = (await ingestion.GetFromJsonAsync<JsonElement>($"/datasets/{loop.Dataset}/batches")).EnumerateArray().ToList();
        Assert.Equal(3, batches.Count);
        foreach (var batch in batches)
        {
            Assert.Equal("validated", batch.GetProperty("status").GetString());
            var report = await validation.GetFromJsonAsync<JsonElement>($"/reports/{batch.GetProperty("batchId").GetGuid()}");
            Assert.Equal(batch.GetProperty("reportId").GetGuid(), report.GetProperty("id").GetGuid());
        }
        // Validation merged each accepted batch into the dataset's history once.
        var schema = await validation.GetFromJsonAsync<JsonElement>($"/datasets/{loop.Dataset}/schema");
        Assert.Equal(3, schema.GetProperty("acceptedBatches").GetInt64());
        Assert.Equal(batches.Sum(b => b.GetProperty("rows").GetInt64()), schema.GetProperty("acceptedRows").GetInt64());
        var latest = await ingestion.GetFromJsonAsync<JsonElement>($"/datasets/{loop.Dataset}/versions/latest");
        var hashes = latest.GetProperty("batchHashes").EnumerateArray().Select(h => h.GetString()).ToList();
        Assert.Equal(batches.Select(b => b.GetProperty("contentHash").GetString()).Order(), hashes.Order());

        // Each run trained once, and one model version per succeeded run.
        var runs = (await training.GetFromJsonAsync<JsonElement>($"/runs?pipeline={loop.Model}")).EnumerateArray().ToList();
        Assert.All(runs, r => Assert.Equal(1, r.GetProperty("attempts").GetInt32()));
        var succeeded = runs.Where(r => r.GetProperty("status").GetString() == "succeeded").Select(r => r.GetProperty("runId").GetGuid()).ToHashSet();
        var modelVersions = await WaitStableAsync(async () =>
            (await registry.GetFromJsonAsync<JsonElement>($"/models/{loop.Model}/versions")).EnumerateArray().Select(v => v.GetProperty("runId").GetGuid()).ToList());
        Assert.Equal(modelVersions.Count, modelVersions.Distinct().Count());
        Assert.Subset(succeeded, modelVersions.ToHashSet());
        runs = (await training.GetFromJsonAsync<JsonElement>($"/runs?pipeline={loop.Model}")).EnumerateArray().ToList();
        Assert.Equal(runs.Where(r => r.GetProperty("status").GetString() == "succeeded").Select(r => r.GetProperty("runId").GetGuid()).Order(), modelVersions.Order());

        // Each drift window counted once: distinct window numbers, each of exactly the policy's rows.
        var windows = (await monitoring.GetFromJsonAsync<JsonElement>($"/models/{loop.Model}/drift")).GetProperty("windows").EnumerateArray().ToList();
        Assert.NotEmpty(windows);
        Assert.Equal(windows.Count, windows.Select(w => w.GetProperty("window").GetInt32()).Distinct().Count());
        Assert.All(windows, w => Assert.Equal(365, w.GetProperty("rows").GetInt32()));
    }

    /// <summary>The value once two reads a few seconds apart agree (a run the loop's drift started may still be finishing).</summary>
    static async Task<List<Guid>> WaitStableAsync(Func<Task<List<Guid>>> read)
    {
        var last = await read();
        for (var i = 0; i < 60; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            var now = await read();
            if (now.Order().SequenceEqual(last.Order()))
                return now;
            last = now;
        }
        return last;
    }
}

/// <summary>The replicas the AppHost declares for <c>AppHost:Replicas</c>, inspected without starting the platform.</summary>
public sealed class ReplicaCompositionTests
{
    static async Task<IDistributedApplicationTestingBuilder> ModelAsync(params string[] args) =>
        await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [$"--AppHost:StateDir={Path.Combine(Path.GetTempPath(), "mlops-model-" + Guid.NewGuid().ToString("N")[..8])}", .. args]);

    [Fact]
    public async Task Replicas_run_on_their_own_ports_under_their_service_with_its_database_and_queues_and_Ingestion_and_Registry_only_when_named()
    {
        await using var builder = await ModelAsync("--AppHost:Replicas=2", "--AppHost:Replicas:training=3", "--AppHost:Replicas:ingestion=2");
        var executables = builder.Resources.OfType<ExecutableResource>().Select(r => r.Name).ToHashSet();
        string[] replicas = ["ingestion-2", "validation-2", "training-2", "training-3", "serving-2", "monitoring-2"];
        Assert.Subset(executables, replicas.ToHashSet());
        Assert.DoesNotContain("registry-2", executables);
        Assert.DoesNotContain("validation-3", executables);
        var ports = new Dictionary<string, int>();
        foreach (var name in PlatformFixture.Services.Where(executables.Contains).Concat(replicas))
        {
            var resource = (ExecutableResource)builder.Resources.Single(r => r.Name == name);
            ports[name] = resource.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "http").Port!.Value;
            var service = name.Split('-')[0];
            var waits = resource.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name).ToHashSet();
            Assert.Superset(new HashSet<string> { "messaging", $"{service}db", "blobs" }, waits);
            if (name != service)
                Assert.Contains(resource.Annotations.OfType<ResourceRelationshipAnnotation>(), r => r.Type == "Parent" && r.Resource.Name == service);
        }
        // The documented port plus 100 per replica.
        Assert.Equal(5202, ports["validation-2"]);
        Assert.Equal(5303, ports["training-3"]);
        Assert.Equal(5201, ports["ingestion-2"]);
        Assert.Equal(ports.Count, ports.Values.Distinct().Count());
    }

    [Fact]
    public async Task By_default_every_service_runs_once()
    {
        await using var builder = await ModelAsync();
        Assert.DoesNotContain(builder.Resources, r => r is ExecutableResource && r.Name.EndsWith("-2", StringComparison.Ordinal));
    }
}

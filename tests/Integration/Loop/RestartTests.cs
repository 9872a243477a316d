using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MlOps.Tests.Integration.Infrastructure;

namespace MlOps.Tests.Integration.Loop;

/// <summary>Training crashes mid-run and while triggers arrive: no run and no trigger is lost.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class RestartTests(InfrastructureFixture infra)
{
    [Fact]
    public async Task A_run_interrupted_by_a_crash_runs_again_after_the_restart_and_a_trigger_sent_while_down_is_kept()
    {
        var loop = await infra.LoopAsync();
        var name = LoopData.Name("crash");
        var dataset = LoopData.Name("seattle");
        // Enough rounds that the fit is still going when the process is killed.
        using (var put = await LoopData.PutPipelineAsync(loop, name, LoopData.WeatherPipeline(dataset, trees: 120, leaves: 16)))
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        await LoopData.PublishVersionAsync(loop, dataset, 1, LoopData.WeatherCsv(0, 1461));
        var fitting = (await LoopData.PollAsync(loop.Training.Client, $"runs?pipeline={name}",
            r => r.GetArrayLength() == 1 && r[0].GetProperty("phase").GetString() == "fitting"))[0];
        var runId = fitting.GetProperty("runId").GetGuid();

        // Killed mid-fit; while it is down, a drift report for the pipeline waits in its durable queue.
        await loop.CrashTrainingAsync(() => loop.Bus.Publish(new MlOps.Contracts.DriftDetected(name, 1, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, 500,
            [], 0.9, null, Guid.NewGuid(), DateTimeOffset.UtcNow)));

        var runs = await LoopData.PollAsync(loop.Training.Client, $"runs?pipeline={name}",
            r => r.EnumerateArray().All(x => x.GetProperty("status").GetString() is "succeeded" or "failed")
                 && r.EnumerateArray().Any(x => x.GetProperty("triggers").EnumerateArray().Any(t => t.GetString() == "drift")), seconds: 120);
        var interrupted = runs.EnumerateArray().Single(r => r.GetProperty("runId").GetGuid() == runId);
        // Either the interrupted run ran again, or (when the drift trigger queued a run first) it yields to that run.
        if (interrupted.GetProperty("status").GetString() == "succeeded")
            Assert.Equal(2, interrupted.GetProperty("attempts").GetInt32());
        else
            Assert.Contains("Interrupted by a restart", interrupted.GetProperty("error").GetString());
        Assert.Contains(runs.EnumerateArray(), r => r.GetProperty("status").GetString() == "succeeded");
        Assert.DoesNotContain(runs.EnumerateArray(), r => r.GetProperty("status").GetString() is "running" or "queued");
        await LoopData.VersionAsync(loop, name, 1);
    }
}

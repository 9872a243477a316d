using System.Collections.Concurrent;
using System.Diagnostics;

using MlOps.AppHost.Infrastructure;
using MlOps.AppHost.Orchestration;

namespace MlOps.Tests.AppHost;

public sealed class SupervisedProcessTests
{
    private readonly ResourceCatalog _catalog = new();
    private readonly ConcurrentQueue<string> _output = new();
    private readonly ConcurrentQueue<string> _log = new();

    [Fact]
    public async Task Restarts_a_process_that_exits_on_its_own_after_1_then_2_seconds()
    {
        await using var supervised = Supervise("sleep 1; echo crashing; exit 3");
        supervised.Start();

        await Until(() => supervised.Restarts >= 2, TimeSpan.FromSeconds(15));

        Assert.Contains("crashing", _output);
        Assert.Contains(_log, line => line.Contains("exited unexpectedly (exit code 3); restarting in 1 s (restart 1)"));
        Assert.Contains(_log, line => line.Contains("restarting in 2 s (restart 2)"));
    }

    [Fact]
    public async Task Stops_a_running_process_with_SIGTERM_and_does_not_start_it_again()
    {
        await using var supervised = Supervise("trap 'exit 0' TERM; echo ready; while true; do sleep 0.1; done");
        supervised.Start();
        await Until(() => _output.Contains("ready"), TimeSpan.FromSeconds(10));
        var pid = _catalog.Find("fake")!.ProcessId!.Value;
        Assert.Equal(ResourceState.Running, _catalog.Find("fake")!.State);

        var stopping = Stopwatch.StartNew();
        await supervised.StopAsync();

        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(5), $"Stopping took {stopping.Elapsed}.");
        Assert.False(Posix.IsAlive(pid));
        Assert.Equal(0, supervised.Restarts);
        Assert.Equal(ResourceState.Stopped, _catalog.Find("fake")!.State);
        Assert.Equal(0, _catalog.Find("fake")!.ExitCode);
    }

    [Fact]
    public async Task Kills_a_process_that_ignores_SIGTERM_once_the_stop_timeout_passes()
    {
        await using var supervised = Supervise("trap '' TERM; echo ready; while true; do sleep 0.1; done", stopTimeout: TimeSpan.FromSeconds(1));
        supervised.Start();
        await Until(() => _output.Contains("ready"), TimeSpan.FromSeconds(10));
        var pid = _catalog.Find("fake")!.ProcessId!.Value;

        await supervised.StopAsync();

        Assert.False(Posix.IsAlive(pid));
        Assert.Contains(_log, line => line.Contains("did not exit within 1 s of SIGTERM; killing it"));
        Assert.Equal(ResourceState.Stopped, _catalog.Find("fake")!.State);
    }

    [Fact]
    public async Task Stopping_while_waiting_to_restart_ends_the_wait_at_once()
    {
        var slow = new RestartPolicy(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5));
        await using var supervised = Supervise("exit 1", policy: slow);
        supervised.Start();
        await Until(() => _catalog.Find("fake")!.State == ResourceState.Restarting, TimeSpan.FromSeconds(10));

        var stopping = Stopwatch.StartNew();
        await supervised.StopAsync();

        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(2), $"Stopping took {stopping.Elapsed}.");
        Assert.Equal(ResourceState.Stopped, _catalog.Find("fake")!.State);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(5, 16)]
    [InlineData(6, 30)]
    [InlineData(40, 30)]
    public void Waits_longer_after_each_consecutive_failure_up_to_30_seconds(int failures, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), RestartPolicy.Default.DelayFor(failures));

    private SupervisedProcess Supervise(string script, RestartPolicy? policy = null, TimeSpan? stopTimeout = null)
    {
        _catalog.Add(new ResourceSnapshot("fake", "Process", ResourceState.Starting, ""));
        var spec = new ProcessSpec("fake", "/bin/sh", ["-c", script], new Dictionary<string, string>());
        return new SupervisedProcess(spec, _catalog, _output.Enqueue, _log.Enqueue, policy, stopTimeout ?? TimeSpan.FromSeconds(5));
    }

    private static async Task Until(Func<bool> condition, TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < timeout, $"Condition not met within {timeout.TotalSeconds:0} s.");
            await Task.Delay(50);
        }
    }
}

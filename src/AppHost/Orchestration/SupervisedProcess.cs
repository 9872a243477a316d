using System.Diagnostics;

using MlOps.AppHost.Infrastructure;

namespace MlOps.AppHost.Orchestration;

/// <summary>How to start one child process.</summary>
public sealed record ProcessSpec(
    string Name,
    string FileName,
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string> Environment,
    string? WorkingDirectory = null);

/// <summary>
/// Keeps one child process running: forwards its output line by line, restarts it with backoff when it exits
/// on its own, and on stop sends SIGTERM, waits, then kills. Its state is published to the <see cref="ResourceCatalog"/>.
/// </summary>
public sealed class SupervisedProcess : IAsyncDisposable
{
    private const string SetSid = "/usr/bin/setsid";

    private readonly ProcessSpec _spec;
    private readonly ResourceCatalog _catalog;
    private readonly Action<string> _output;
    private readonly Action<string> _log;
    private readonly RestartPolicy _policy;
    private readonly TimeSpan _stopTimeout;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;
    private int _restarts;

    public SupervisedProcess(
        ProcessSpec spec,
        ResourceCatalog catalog,
        Action<string> output,
        Action<string> log,
        RestartPolicy? policy = null,
        TimeSpan? stopTimeout = null,
        TimeProvider? time = null)
    {
        _spec = spec;
        _catalog = catalog;
        _output = output;
        _log = log;
        _policy = policy ?? RestartPolicy.Default;
        _stopTimeout = stopTimeout ?? TimeSpan.FromSeconds(10);
        _time = time ?? TimeProvider.System;
    }

    public string Name => _spec.Name;

    public int Restarts => Volatile.Read(ref _restarts);

    public void Start()
    {
        if (!_loop.IsCompleted)
        {
            throw new InvalidOperationException($"{Name} is already supervised.");
        }
        _loop = Task.Run(() => SuperviseAsync(_stopping.Token));
    }

    /// <summary>Stops the process (SIGTERM, then kill after the stop timeout) and does not restart it again.</summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync();
        await _loop;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stopping.Dispose();
    }

    private async Task SuperviseAsync(CancellationToken stopping)
    {
        var consecutiveFailures = 0;
        while (!stopping.IsCancellationRequested)
        {
            SetState(ResourceState.Starting);
            var startedAt = _time.GetTimestamp();
            int? exitCode = null;
            try
            {
                exitCode = await RunOnceAsync(stopping);
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                _log($"{Name} could not be started: {e.Message}");
            }
            if (stopping.IsCancellationRequested)
            {
                _catalog.Update(Name, r => r with { State = ResourceState.Stopped, ProcessId = null, ExitCode = exitCode });
                return;
            }

            consecutiveFailures = _time.GetElapsedTime(startedAt) >= _policy.StableAfter ? 1 : consecutiveFailures + 1;
            var delay = _policy.DelayFor(consecutiveFailures);
            var restart = Interlocked.Increment(ref _restarts);
            _log($"{Name} exited unexpectedly (exit code {exitCode?.ToString() ?? "none"}); restarting in {delay.TotalSeconds:0.#} s (restart {restart}).");
            _catalog.Update(Name, r => r with { State = ResourceState.Restarting, ProcessId = null, ExitCode = exitCode, Restarts = restart });
            try
            {
                await Task.Delay(delay, _time, stopping);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        _catalog.Update(Name, r => r with { State = ResourceState.Stopped, ProcessId = null });
    }

    private async Task<int> RunOnceAsync(CancellationToken stopping)
    {
        using var process = new Process { StartInfo = StartInfo(), EnableRaisingEvents = true };
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.Exited += (_, _) => exited.TrySetResult();
        process.OutputDataReceived += (_, e) => Forward(e.Data);
        process.ErrorDataReceived += (_, e) => Forward(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var pid = process.Id;
        _catalog.Update(Name, r => r with { State = ResourceState.Running, ProcessId = pid, ExitCode = null });

        // Registered after the start so a stop that raced with it still reaches this process.
        using (stopping.Register(() => Terminate(pid)))
        {
            try
            {
                await exited.Task.WaitAsync(stopping);
            }
            catch (OperationCanceledException)
            {
                if (await Task.WhenAny(exited.Task, Task.Delay(_stopTimeout, _time)) != exited.Task)
                {
                    _log($"{Name} did not exit within {_stopTimeout.TotalSeconds:0} s of SIGTERM; killing it.");
                    KillTree(process);
                    await exited.Task;
                }
            }
        }
        // The Exited event can fire before the last output lines are read; this waits for them.
        await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return process.ExitCode;
    }

    private void Terminate(int pid)
    {
        _catalog.Update(Name, r => r.State is ResourceState.Stopped ? r : r with { State = ResourceState.Stopping });
        Posix.Terminate(pid);
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited between the timeout and the kill.
        }
    }

    private void Forward(string? line)
    {
        if (line is not null)
        {
            _output(line);
        }
    }

    private void SetState(ResourceState state) => _catalog.Update(Name, r => r with { State = state });

    private ProcessStartInfo StartInfo()
    {
        // A session of its own keeps Ctrl+C in the terminal from reaching the child directly, so the AppHost
        // decides the shutdown order (services first, then the bus and the databases).
        var useSetSid = File.Exists(SetSid);
        var info = new ProcessStartInfo(useSetSid ? SetSid : _spec.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // A pipe nobody writes to: children must not compete with the AppHost for the terminal's input.
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = _spec.WorkingDirectory ?? "",
        };
        if (useSetSid)
        {
            info.ArgumentList.Add(_spec.FileName);
        }
        foreach (var argument in _spec.Arguments)
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in _spec.Environment)
        {
            info.Environment[key] = value;
        }
        return info;
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;

using MlOps.AppHost.Infrastructure;
using MlOps.AppHost.Orchestration;

using Xunit.Abstractions;

namespace MlOps.Tests.AppHost;

/// <summary>The built AppHost run as a child process, the way a developer runs it, with its output captured.</summary>
internal sealed class AppHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ITestOutputHelper _output;
    private readonly string _stateDir;
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _testOver;

    private AppHostProcess(Process process, ITestOutputHelper output, string stateDir)
    {
        _process = process;
        _output = output;
        _stateDir = stateDir;
    }

    public IEnumerable<string> Lines => _lines;

    public int ExitCode
    {
        get
        {
            _process.WaitForExit();
            return _process.ExitCode;
        }
    }

    public static AppHostProcess Start(string stateDir, ITestOutputHelper output, params string[] arguments)
    {
        var root = RepoLayout.FindRoot(AppContext.BaseDirectory);
        var configuration = RepoLayout.BuildConfiguration(typeof(AppHostProcess).Assembly);
        var dll = Path.Combine(root, "src", "AppHost", "bin", configuration, "net10.0", "AppHost.dll");
        Assert.True(File.Exists(dll), $"{dll} not found: build tests/AppHost.Tests first (it builds the AppHost).");

        var info = new ProcessStartInfo(Environment.ProcessPath is { } dotnet && Path.GetFileNameWithoutExtension(dotnet) == "dotnet" ? dotnet : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--AppHost:StateDir");
        info.ArgumentList.Add(stateDir);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        info.Environment["NO_COLOR"] = "1";
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var host = new AppHostProcess(process, output, stateDir);
        process.Exited += (_, _) => host._exited.TrySetResult();
        process.OutputDataReceived += (_, e) => host.Record(e.Data);
        process.ErrorDataReceived += (_, e) => host.Record(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    public async Task WaitForLineAsync(string text, TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        while (!_lines.Any(line => line.Contains(text, StringComparison.Ordinal)))
        {
            if (_exited.Task.IsCompleted)
            {
                _process.WaitForExit();
                Assert.Fail($"The AppHost exited with code {_process.ExitCode} before printing '{text}':{Environment.NewLine}{string.Join(Environment.NewLine, _lines.TakeLast(30))}");
            }
            Assert.True(waited.Elapsed < timeout, $"The AppHost did not print '{text}' within {timeout.TotalSeconds:0} s.");
            await Task.Delay(200);
        }
    }

    public void Terminate() => Posix.Terminate(_process.Id);

    public async Task<bool> WaitForExitAsync(TimeSpan timeout) =>
        await Task.WhenAny(_exited.Task, Task.Delay(timeout)) == _exited.Task;

    /// <summary>Processes still alive whose command line or environment points into this run's state directory.</summary>
    public IReadOnlyList<int> ProcessesUsingStateDir() =>
        Posix.ProcessIds()
            .Where(pid => pid != Environment.ProcessId
                && ((Posix.CommandLine(pid)?.Contains(_stateDir, StringComparison.Ordinal) ?? false)
                    || (Posix.EnvironmentOf(pid)?.Contains(_stateDir, StringComparison.Ordinal) ?? false)))
            .ToList();

    public async ValueTask DisposeAsync()
    {
        if (!_exited.Task.IsCompleted)
        {
            Terminate();
            if (!await WaitForExitAsync(TimeSpan.FromSeconds(60)))
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        // A test that failed half-way must not leave servers behind for the rest of the run.
        foreach (var pid in ProcessesUsingStateDir())
        {
            try
            {
                using var leftover = Process.GetProcessById(pid);
                leftover.Kill(entireProcessTree: true);
            }
            catch (ArgumentException)
            {
            }
        }
        _testOver = true;
        _process.Dispose();
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }
        _lines.Enqueue(line);
        if (!_testOver)
        {
            try
            {
                _output.WriteLine(line);
            }
            catch (InvalidOperationException)
            {
                // The test already finished; xunit no longer takes its output.
            }
        }
    }
}

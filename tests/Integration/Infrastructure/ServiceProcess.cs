using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using MlOps.Testing;

namespace MlOps.Tests.Integration.Infrastructure;

/// <summary>A platform service run as its own process from its build output, the way the AppHost runs it.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    readonly Process _process;
    readonly ConcurrentQueue<string> _output = new();

    ServiceProcess(string name, Process process, Uri baseAddress)
    {
        Name = name;
        _process = process;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        Client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        Anonymous = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>The API key every service started here is configured with (<c>Security__ApiKey</c>), unless a test sets its own.</summary>
    public const string ApiKey = "integration-tests-key-0123456789abcdef";

    /// <summary>A client without the API key, as a caller who has none.</summary>
    public HttpClient Anonymous { get; }

    public string Name { get; }
    public Uri BaseAddress { get; }
    public HttpClient Client { get; }
    public IEnumerable<string> Output => _output;
    public bool HasExited => _process.HasExited;

    public static async Task<ServiceProcess> StartAsync(string project, IDictionary<string, string> environment, TimeSpan? timeout = null)
    {
        var dll = RepoPaths.ServiceDll(project);
        var port = FreePort.Get();
        var psi = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        psi.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        psi.Environment["DOTNET_ENVIRONMENT"] = "Development";
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        psi.Environment["Security__ApiKey"] = ApiKey;
        foreach (var (key, value) in environment)
            psi.Environment[key] = value;

        var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {dll}");
        var service = new ServiceProcess(project, process, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) service._output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) service._output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await service.WaitHealthyAsync(timeout ?? TimeSpan.FromSeconds(90));
        return service;
    }

    async Task WaitHealthyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode}:\n{string.Join('\n', _output.TakeLast(40))}");
            try
            {
                using var response = await Client.GetAsync("health");
                if (response.StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(250);
        }
        throw new TimeoutException($"{Name} did not become healthy within {timeout}:\n{string.Join('\n', _output.TakeLast(40))}");
    }

    /// <summary>Stops the service as an orchestrator would (SIGTERM: a clean shutdown), killing it only if it has not exited within <paramref name="timeout"/>.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
            return;
        Posix.Terminate(_process.Id);
        using var wait = new CancellationTokenSource(timeout);
        try { await _process.WaitForExitAsync(wait.Token); }
        catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); await _process.WaitForExitAsync(); }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Anonymous.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}

/// <summary>Where the built services and the test data are.</summary>
static class RepoPaths
{
    static readonly RepoLayout Layout = RepoLayout.For(typeof(RepoPaths).Assembly);

    public static string ServiceDll(string project) => Layout.ServiceDll(project);

    public static string TestData(string file) => Layout.TestData(file);
}

using Aspire.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MlOps.Testing;

namespace MlOps.Tests.AppHost;

/// <summary>
/// The real AppHost, through Aspire's testing builder: private RabbitMQ and PostgreSQL in a temp state directory,
/// the six services on free ports, and the Aspire dashboard on a free port. One per test collection.
/// </summary>
public class PlatformFixture : IAsyncLifetime
{
    public static readonly string[] Services = ["ingestion", "validation", "training", "registry", "serving", "monitoring"];
    public static readonly string[] Servers = ["messaging", "postgres"];
    /// <summary>The models of the repository's pipeline files (pipelines/), which the AppHost applies at start.</summary>
    public static readonly string[] PipelineModels = ["weather"];
    public static readonly string[] Databases = ["blobs", "ingestiondb", "validationdb", "trainingdb", "registrydb", "servingdb", "monitoringdb"];

    readonly TimeSpan _startTimeout = TimeSpan.FromMinutes(4);

    readonly string _stateDir = Path.Combine(Path.GetTempPath(), "mlops-apphost-" + Guid.NewGuid().ToString("N")[..8]);
    readonly string[] _extraArgs;
    readonly string[] _extraResources;
    DistributedApplication? _app;

    public PlatformFixture()
        : this([], [])
    {
    }

    /// <summary>
    /// A platform started with <paramref name="extraArgs"/> after the usual ones, healthy once <paramref name="extraResources"/>
    /// are too, within <paramref name="startTimeout"/> (default 4 minutes).
    /// </summary>
    protected PlatformFixture(string[] extraArgs, string[] extraResources, TimeSpan? startTimeout = null)
    {
        _extraArgs = extraArgs;
        _extraResources = extraResources;
        _startTimeout = startTimeout ?? _startTimeout;
    }

    public DistributedApplication App => _app ?? throw new InvalidOperationException("the platform is not started");

    public string StateDir => _stateDir;

    /// <summary>The platform's API key for write endpoints, given to the AppHost instead of the generated one.</summary>
    public string ApiKey { get; } = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));

    /// <summary>The key of the dashboard's telemetry HTTP API (<c>/api/telemetry/…</c>), which the tests read traces from.</summary>
    public string DashboardApiKey { get; } = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    /// <summary>A client for the dashboard's telemetry API, with its key.</summary>
    public async Task<HttpClient> TelemetryClientAsync()
    {
        var login = await App.GetDashboardUrlAsync() ?? throw new InvalidOperationException("the dashboard has no URL");
        var client = new HttpClient { BaseAddress = new Uri(login.GetLeftPart(UriPartial.Authority)), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Add("X-API-Key", DashboardApiKey);
        return client;
    }

    public async Task InitializeAsync()
    {
        string Url() => $"http://127.0.0.1:{FreePort.Get()}";
        string[] args =
        [
            $"--AppHost:StateDir={_stateDir}",
            "--AppHost:FreePorts=true",
            $"--ASPNETCORE_URLS={Url()}",
            $"--ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL={Url()}",
            $"--ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL={Url()}",
            $"--ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL={Url()}",
            $"--AppHost:DashboardApiKey={DashboardApiKey}",
            $"--AppHost:ApiKey={ApiKey}",
            // The demo in a hurry: a month per batch and request, no pauses (OpsConsoleTests start it).
            "--AppHost:Demo:Days=30",
            "--AppHost:Demo:Pause=0",
            .. _extraArgs,
        ];
        using var cts = new CancellationTokenSource(_startTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            new DistributedApplicationTestingBuilderOptions { EnableDashboard = true }, args, cts.Token);
        // Resource output (every service's console) is in the dashboard and the AppHost's own run; the test log keeps warnings.
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning).AddFilter("AppHost.Resources", Environment.GetEnvironmentVariable("MLOPS_TEST_RESOURCE_LOGS") is { } l ? Enum.Parse<LogLevel>(l) : LogLevel.Warning));
        _app = await builder.BuildAsync(cts.Token);
        await _app.StartAsync(cts.Token);
        await WaitAllHealthyAsync(cts.Token);
        // The pipeline files are applied once Training is healthy; the tests start after (an idle platform is idle then).
        foreach (var model in PipelineModels)
            await App.ResourceNotifications.WaitForResourceAsync(model, e => e.Snapshot.State?.Text is { } s && s != "waiting for the platform", cts.Token);
        await Task.Delay(TimeSpan.FromSeconds(2), cts.Token);
    }

    public async Task WaitAllHealthyAsync(CancellationToken ct = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(_startTimeout);
        await Task.WhenAll(Services.Concat(Servers).Concat(Databases).Concat(_extraResources)
            .Select(name => App.ResourceNotifications.WaitForResourceHealthyAsync(name, cts.Token)));
    }

    public HttpClient Client(string service)
    {
        var client = App.CreateHttpClient(service, "http");
        client.Timeout = TimeSpan.FromSeconds(60);
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        return client;
    }

    /// <summary>The current snapshot of a resource.</summary>
    public CustomResourceSnapshot Snapshot(string resource) =>
        App.ResourceNotifications.TryGetCurrentState(resource, out var e) ? e.Snapshot : throw new InvalidOperationException($"no state for {resource}");

    /// <summary>The process id of an executable resource, as the orchestrator reports it.</summary>
    public int ProcessId(string resource) =>
        Snapshot(resource).Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } value && int.TryParse(value.ToString(), out var pid)
            ? pid
            : throw new InvalidOperationException($"{resource} has no process id");

    public Task<ExecuteCommandResult> CommandAsync(string resource, string command) =>
        App.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(resource, command);

    public async Task<ResourceEvent> WaitForStateAsync(string resource, Func<string?, bool> predicate, TimeSpan timeout)
    {
        // Awaited inside the using: the timeout must outlive the wait.
        using var cts = new CancellationTokenSource(timeout);
        return await App.ResourceNotifications.WaitForResourceAsync(resource, e => predicate(e.Snapshot.State?.Text), cts.Token);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        try
        {
            Directory.Delete(_stateDir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public static string RepoFile(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MlOps.sln")))
            {
                return Path.Combine([dir.FullName, .. parts]);
            }
        }
        throw new InvalidOperationException("MlOps.sln not found above the test output");
    }
}

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "platform";
}

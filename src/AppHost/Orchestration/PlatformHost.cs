using Microsoft.Extensions.Options;

namespace MlOps.AppHost.Orchestration;

/// <summary>
/// Brings the platform up in order (infrastructure, databases, services, health) and down in reverse
/// (services, then the bus and the databases). Start-up runs in the background so the dashboard answers meanwhile.
/// </summary>
public sealed class PlatformHost(
    IOptions<AppHostOptions> options,
    IConfiguration configuration,
    PortPlan ports,
    RepoLayout layout,
    ResourceCatalog catalog,
    ConsoleOutput console,
    IHostApplicationLifetime lifetime,
    TimeProvider time) : IHostedService, IDisposable
{
    /// <summary>Printed once every service is healthy; scripts and tests wait for it, so it stays as it is.</summary>
    public const string ReadyMessage = "MlOps is running: all {0} services healthy";
    public const string DashboardResource = "dashboard";
    public const string OtlpResource = "otlp";
    private const string Source = "apphost";

    private readonly CancellationTokenSource _shutdown = new();
    private readonly List<SupervisedProcess> _services = [];
    private readonly HttpClient _http = new();
    private PlatformInfrastructure? _infrastructure;
    private Task _startup = Task.CompletedTask;
    private Task _monitor = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        RegisterResources();
        lifetime.ApplicationStarted.Register(() =>
        {
            catalog.Update(DashboardResource, r => r with { State = ResourceState.Running, ProcessId = Environment.ProcessId });
            catalog.Update(OtlpResource, r => r with { State = ResourceState.Running, ProcessId = Environment.ProcessId });
        });
        _startup = Task.Run(() => StartPlatformAsync(_shutdown.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _shutdown.CancelAsync();
        await _startup.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _monitor.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_services.Count > 0)
        {
            Log($"Stopping {_services.Count} services.");
        }
        await Task.WhenAll(_services.Select(service => service.StopAsync()));
        if (_infrastructure is not null)
        {
            await _infrastructure.DisposeAsync();
        }
        Log("MlOps stopped.");
    }

    public void Dispose()
    {
        _shutdown.Dispose();
        _http.Dispose();
    }

    private string? ExternalMessaging => NullIfEmpty(configuration.GetConnectionString(ServiceCatalog.Messaging));

    private string? ExternalPostgres => NullIfEmpty(configuration.GetConnectionString(PlatformInfrastructure.PostgresResource));

    private void RegisterResources()
    {
        _infrastructure = new PlatformInfrastructure(catalog, console);
        _infrastructure.Register(ExternalMessaging, ExternalPostgres);
        foreach (var service in ServiceCatalog.Services)
        {
            catalog.Add(new ResourceSnapshot(service.Name, "Project", ResourceState.Starting, ServiceProcesses.Url(ports.Services[service.Name])));
        }
        catalog.Add(new ResourceSnapshot(DashboardResource, "Dashboard", ResourceState.Starting, ServiceProcesses.Url(ports.Dashboard)));
        catalog.Add(new ResourceSnapshot(OtlpResource, "OTLP/HTTP", ResourceState.Starting, ServiceProcesses.Url(ports.Otlp)));
    }

    private async Task StartPlatformAsync(CancellationToken ct)
    {
        var settings = options.Value;
        try
        {
            var stateDir = Path.GetFullPath(settings.StateDir ?? layout.DefaultStateDir);
            Log($"State directory: {stateDir}");
            await _infrastructure!.StartAsync(stateDir, ExternalMessaging, ExternalPostgres, ports, ct);
            await _infrastructure.EnsureDatabasesAsync(
                ServiceCatalog.Services.Select(s => s.Database).Append(ServiceCatalog.Blobs), ct);

            StartServices(settings);
            await WaitForHealthAsync(settings, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down while starting; StopAsync cleans up what did start.
        }
        catch (Exception e)
        {
            Log($"Start-up failed: {e.Message}");
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }

    private void StartServices(AppHostOptions settings)
    {
        var infrastructure = _infrastructure!;
        foreach (var service in ServiceCatalog.Services)
        {
            var spec = ServiceProcesses.Spec(
                service, layout, ports.Services[service.Name], ports.Otlp,
                infrastructure.MessagingConnectionString, infrastructure.DatabaseConnectionString);
            var process = new SupervisedProcess(
                spec, catalog, console.For(service.Name), console.For(Source),
                RestartPolicy.Default, TimeSpan.FromSeconds(settings.StopTimeoutSeconds), time);
            _services.Add(process);
            process.Start();
        }
    }

    private async Task WaitForHealthAsync(AppHostOptions settings, CancellationToken ct)
    {
        var health = new HealthMonitor(catalog, _http, time);
        var targets = ServiceCatalog.Services.ToDictionary(
            s => s.Name,
            s => new Uri($"{ServiceProcesses.Url(ports.Services[s.Name])}/health"));
        var timeout = TimeSpan.FromSeconds(settings.HealthTimeoutSeconds);
        var healthy = await health.WaitUntilHealthyAsync(targets, timeout, ct);
        console.Block(ResourceTable.Render(catalog.All()));
        if (healthy)
        {
            Log(string.Format(ReadyMessage, targets.Count));
        }
        else
        {
            var waiting = targets.Keys.Where(name => catalog.Find(name)?.State != ResourceState.Healthy);
            Log($"MlOps is running, but not every service is healthy after {timeout.TotalSeconds:0} s: {string.Join(", ", waiting)}. Still checking.");
        }
        _monitor = MonitorAsync(health, targets, announceReady: !healthy, ct);
    }

    // Keeps the dashboard's Healthy/Unhealthy current, says on the console when a service's health changes,
    // and announces readiness once if it came late.
    private async Task MonitorAsync(HealthMonitor health, IReadOnlyDictionary<string, Uri> targets, bool announceReady, CancellationToken ct)
    {
        var previous = targets.Keys.ToDictionary(name => name, name => catalog.Find(name)?.State);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(2), time, ct);
                await health.ProbeAllAsync(targets, ct);
                foreach (var name in targets.Keys)
                {
                    var state = catalog.Find(name)?.State;
                    if (state != previous[name] && state is ResourceState.Healthy or ResourceState.Unhealthy)
                    {
                        Log($"{name} is {state}.");
                    }
                    previous[name] = state;
                }
                if (announceReady && health.AllHealthy(targets.Keys))
                {
                    announceReady = false;
                    console.Block(ResourceTable.Render(catalog.All()));
                    Log(string.Format(ReadyMessage, targets.Count));
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private void Log(string message) => console.Line(Source, message);

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

namespace MlOps.AppHost.Orchestration;

/// <summary>
/// Polls each service's <c>/health</c> and records Healthy or Unhealthy in the catalog, but only while its
/// process is up: a Restarting or Stopped service keeps the state its supervisor gave it.
/// </summary>
public sealed class HealthMonitor(ResourceCatalog catalog, HttpClient http, TimeProvider time)
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    public async Task ProbeAllAsync(IReadOnlyDictionary<string, Uri> healthUris, CancellationToken ct) =>
        await Task.WhenAll(healthUris.Select(target => ProbeAsync(target.Key, target.Value, ct)));

    /// <summary>Probes until every service is healthy (true) or the timeout passes (false).</summary>
    public async Task<bool> WaitUntilHealthyAsync(IReadOnlyDictionary<string, Uri> healthUris, TimeSpan timeout, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        while (true)
        {
            await ProbeAllAsync(healthUris, ct);
            if (AllHealthy(healthUris.Keys))
            {
                return true;
            }
            if (time.GetElapsedTime(started) >= timeout)
            {
                return false;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(500), time, ct);
        }
    }

    public bool AllHealthy(IEnumerable<string> names) =>
        names.All(name => catalog.Find(name)?.State == ResourceState.Healthy);

    private async Task ProbeAsync(string name, Uri uri, CancellationToken ct)
    {
        if (!IsUp(catalog.Find(name)?.State))
        {
            return;
        }
        bool healthy;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(ProbeTimeout);
            using var response = await http.GetAsync(uri, timeout.Token);
            healthy = response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            healthy = false;
        }
        var state = healthy ? ResourceState.Healthy : ResourceState.Unhealthy;
        catalog.Update(name, r => IsUp(r.State) ? r with { State = state } : r);
    }

    private static bool IsUp(ResourceState? state) =>
        state is ResourceState.Running or ResourceState.Healthy or ResourceState.Unhealthy;
}

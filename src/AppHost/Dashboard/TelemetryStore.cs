using System.Collections.Concurrent;

namespace MlOps.AppHost.Dashboard;

public enum TelemetrySignal
{
    Traces,
    Metrics,
    Logs,
}

/// <summary>Per service and signal: how many export requests arrived and how many spans, metrics or log records they held.</summary>
public sealed record TelemetryCount(long Requests, long Items);

public sealed class TelemetryStore
{
    private readonly ConcurrentDictionary<(string Service, TelemetrySignal Signal), TelemetryCount> _counts = new();

    public void Record(TelemetrySignal signal, IReadOnlyDictionary<string, int> itemsByService)
    {
        foreach (var (service, items) in itemsByService)
        {
            _counts.AddOrUpdate(
                (service, signal),
                _ => new TelemetryCount(1, items),
                (_, count) => new TelemetryCount(count.Requests + 1, count.Items + items));
        }
    }

    /// <summary>service → signal (traces, metrics, logs) → counts.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, TelemetryCount>> Snapshot() =>
        _counts
            .GroupBy(entry => entry.Key.Service, StringComparer.Ordinal)
            .OrderBy(group => group.Key, StringComparer.Ordinal)
            .ToDictionary(
                group => group.Key,
                group => (IReadOnlyDictionary<string, TelemetryCount>)group.OrderBy(entry => entry.Key.Signal).ToDictionary(
                    entry => entry.Key.Signal.ToString().ToLowerInvariant(),
                    entry => entry.Value));
}

using System.Text.Json.Serialization;

namespace MlOps.AppHost.Orchestration;

[JsonConverter(typeof(JsonStringEnumConverter<ResourceState>))]
public enum ResourceState
{
    Starting,
    Running,
    Healthy,
    Unhealthy,
    Restarting,
    Exited,
    External,
    Stopping,
    Stopped,
    Failed,
}

/// <summary>What the console table and the dashboard show about one resource.</summary>
public sealed record ResourceSnapshot(
    string Name,
    string Type,
    ResourceState State,
    string Endpoint,
    int? ProcessId = null,
    int Restarts = 0,
    int? ExitCode = null);

/// <summary>The current state of every resource, in the order they were added. Safe to read and update from any thread.</summary>
public sealed class ResourceCatalog
{
    private readonly Lock _gate = new();
    private readonly List<string> _order = [];
    private readonly Dictionary<string, ResourceSnapshot> _resources = new(StringComparer.Ordinal);

    public void Add(ResourceSnapshot resource)
    {
        lock (_gate)
        {
            if (!_resources.ContainsKey(resource.Name))
            {
                _order.Add(resource.Name);
            }
            _resources[resource.Name] = resource;
        }
    }

    /// <summary>Applies <paramref name="change"/> atomically, so a health probe never overwrites a state the supervisor just set.</summary>
    public void Update(string name, Func<ResourceSnapshot, ResourceSnapshot> change)
    {
        lock (_gate)
        {
            if (_resources.TryGetValue(name, out var current))
            {
                _resources[name] = change(current);
            }
        }
    }

    public ResourceSnapshot? Find(string name)
    {
        lock (_gate)
        {
            return _resources.GetValueOrDefault(name);
        }
    }

    public IReadOnlyList<ResourceSnapshot> All()
    {
        lock (_gate)
        {
            return _order.Select(name => _resources[name]).ToList();
        }
    }
}

using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace MlOps.AppHost.Models;

/// <summary>
/// What the dashboard's commands changed, one JSON line per command in <c>ops-audit.log</c> in the state directory (and
/// in the resource's console log). The services keep their own record too: the Registry's audit log for alias moves,
/// Training's run with its <c>manual</c> trigger, Ingestion's batch; a replay of parked messages is recorded here only.
/// </summary>
public sealed class OpsAudit(string stateDir, TimeProvider time)
{
    readonly object _gate = new();

    public string Path { get; } = System.IO.Path.Combine(stateDir, "ops-audit.log");

    public void Record(ILogger resourceLog, string resource, string action, string detail, string user)
    {
        var at = time.GetUtcNow();
        resourceLog.LogInformation("Audit: {Action} on {Resource} by {User}: {Detail}", action, resource, user, detail);
        var line = JsonSerializer.Serialize(new { at, user, resource, action, detail });
        lock (_gate)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            File.AppendAllText(Path, line + "\n");
        }
    }
}

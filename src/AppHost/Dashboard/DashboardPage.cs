using System.Net;
using System.Text;

using MlOps.AppHost.Orchestration;

namespace MlOps.AppHost.Dashboard;

/// <summary>Server-rendered HTML so the page needs no scripts or assets; a meta refresh keeps it current.</summary>
public static class DashboardPage
{
    public static string Render(IReadOnlyList<DashboardApi.ResourceView> resources)
    {
        var rows = new StringBuilder();
        foreach (var r in resources)
        {
            var endpoint = r.Endpoint.StartsWith("http", StringComparison.Ordinal)
                ? $"<a href=\"{Encode(r.Endpoint)}\">{Encode(r.Endpoint)}</a>"
                : Encode(r.Endpoint);
            var telemetry = r.Telemetry is null
                ? ""
                : string.Join(" · ", r.Telemetry.Select(t => $"{t.Key} {t.Value.Items} ({t.Value.Requests} req)"));
            rows.Append($"""
                <tr><td>{Encode(r.Name)}</td><td>{Encode(r.Type)}</td><td class="state {r.State.ToString().ToLowerInvariant()}">{r.State}</td>
                <td>{endpoint}</td><td>{r.ProcessId}</td><td>{r.Restarts}</td><td>{Encode(telemetry)}</td></tr>

                """);
        }
        return $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="refresh" content="3">
            <title>MlOps dashboard</title>
            <style>
              body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
              table { border-collapse: collapse; }
              th, td { text-align: left; padding: .35rem .9rem; border-bottom: 1px solid #ddd; }
              .healthy, .running, .external { color: #137333; }
              .unhealthy, .exited, .failed { color: #c5221f; }
              .starting, .restarting, .stopping { color: #b06000; }
            </style>
            </head>
            <body>
            <h1>MlOps</h1>
            <table id="resources">
            <thead><tr><th>Resource</th><th>Type</th><th>State</th><th>Endpoint</th><th>PID</th><th>Restarts</th><th>Telemetry</th></tr></thead>
            <tbody>
            {{rows}}</tbody>
            </table>
            <p>JSON: <a href="/api/resources">/api/resources</a> · <a href="/api/telemetry">/api/telemetry</a></p>
            </body>
            </html>
            """;
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}

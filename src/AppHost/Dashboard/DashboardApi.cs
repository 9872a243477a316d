using MlOps.AppHost.Orchestration;

namespace MlOps.AppHost.Dashboard;

/// <summary>The ops dashboard: an HTML page and the same data as JSON.</summary>
public static class DashboardApi
{
    public static IEndpointConventionBuilder MapDashboard(this IEndpointRouteBuilder endpoints, int port)
    {
        var group = endpoints.MapGroup("/").RequireHost($"*:{port}");
        group.MapGet("/", Page);
        group.MapGet("/api/resources", Resources);
        group.MapGet("/api/telemetry", Telemetry);
        return group;
    }

    public sealed record ResourceView(
        string Name,
        string Type,
        ResourceState State,
        string Endpoint,
        int? ProcessId,
        int Restarts,
        int? ExitCode,
        IReadOnlyDictionary<string, TelemetryCount>? Telemetry);

    private static IResult Resources(ResourceCatalog catalog, TelemetryStore telemetry) =>
        Results.Ok(Views(catalog, telemetry));

    private static IResult Telemetry(TelemetryStore telemetry) => Results.Ok(telemetry.Snapshot());

    private static IResult Page(ResourceCatalog catalog, TelemetryStore telemetry) =>
        Results.Content(DashboardPage.Render(Views(catalog, telemetry)), "text/html; charset=utf-8");

    private static List<ResourceView> Views(ResourceCatalog catalog, TelemetryStore telemetry)
    {
        var counts = telemetry.Snapshot();
        return catalog.All()
            .Select(r => new ResourceView(r.Name, r.Type, r.State, r.Endpoint, r.ProcessId, r.Restarts, r.ExitCode, counts.GetValueOrDefault(r.Name)))
            .ToList();
    }
}

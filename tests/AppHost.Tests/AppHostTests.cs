using System.Net;
using System.Net.Http.Json;

using MlOps.AppHost.Dashboard;
using MlOps.AppHost.Infrastructure;
using MlOps.AppHost.Orchestration;

using Xunit.Abstractions;

namespace MlOps.Tests.AppHost;

public sealed class AppHostTests(ITestOutputHelper output)
{
    private const string Ready = "MlOps is running: all 6 services healthy";

    [Fact]
    public async Task Starts_every_service_healthy_and_stops_everything_on_SIGTERM()
    {
        using var dir = new TempDir();
        var dashboard = FreePort.Get();
        await using var host = AppHostProcess.Start(dir.Sub("state"), output,
            "--AppHost:FreePorts", "true", "--AppHost:Ports:Dashboard", dashboard.ToString(), "--AppHost:HealthTimeoutSeconds", "110");

        await host.WaitForLineAsync(Ready, TimeSpan.FromSeconds(120));

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var resources = await http.GetFromJsonAsync<List<DashboardApi.ResourceView>>($"http://127.0.0.1:{dashboard}/api/resources", Json.Options);
        Assert.NotNull(resources);
        Assert.Equal(
            ["rabbitmq", "postgres", "ingestion", "validation", "training", "registry", "serving", "monitoring", "dashboard", "otlp"],
            resources.Select(r => r.Name));
        foreach (var service in ServiceCatalog.Services)
        {
            var endpoint = resources.Single(r => r.Name == service.Name).Endpoint;
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"{endpoint}/health")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"{endpoint}/alive")).StatusCode);
        }
        var otlp = resources.Single(r => r.Name == "otlp").Endpoint;
        using var export = await http.PostAsync($"{otlp}/v1/traces", new ByteArrayContent([]));
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        var children = resources.Where(r => r.ProcessId is not null && r.Type != "Dashboard" && r.Type != "OTLP/HTTP").Select(r => r.ProcessId!.Value).ToList();
        Assert.Equal(8, children.Count);

        host.Terminate();

        Assert.True(await host.WaitForExitAsync(TimeSpan.FromSeconds(30)), "The AppHost did not exit within 30 s of SIGTERM.");
        Assert.Equal(0, host.ExitCode);
        Assert.DoesNotContain(children, Posix.IsAlive);
        Assert.Empty(host.ProcessesUsingStateDir());
        Assert.Contains(host.Lines, line => line.Contains("MlOps stopped."));
    }
}

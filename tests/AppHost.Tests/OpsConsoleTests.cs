using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace MlOps.Tests.AppHost;

/// <summary>
/// The dashboard as the ops window onto the ML: after a short run of the demo (the AppHost's <c>demo</c> resource,
/// <c>mlops demo</c> a month at a time), the weather model is a resource under Registry with its champion, the promote
/// and roll-back commands move the champion with an audit entry, the metrics page charts drift share, and one trace
/// crosses at least four services. Screenshots land in TestResults/screenshots.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class OpsConsoleTests(PlatformFixture platform, ITestOutputHelper output) : IAsyncLifetime
{
    const string Model = "weather";
    static readonly TimeSpan DemoTimeout = TimeSpan.FromMinutes(5);
    static Task<TimeSpan>? s_demo;
    static readonly object s_gate = new();

    readonly DashboardBrowser _browser = new(platform);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _browser.DisposeAsync();

    /// <summary>The demo, run once for the collection: started from the app model, finished when its process ends.</summary>
    async Task DemoAsync()
    {
        lock (s_gate)
            s_demo ??= RunDemoAsync(platform);
        var took = await s_demo;
        output.WriteLine($"demo run: {took.TotalSeconds:0} s");
    }

    static async Task<TimeSpan> RunDemoAsync(PlatformFixture platform)
    {
        await platform.WaitAllHealthyAsync();
        var clock = Stopwatch.StartNew();
        var start = await platform.CommandAsync("demo", KnownResourceCommands.StartCommand);
        Assert.True(start.Success, start.Message);
        var done = await platform.WaitForStateAsync("demo", s => KnownResourceStates.TerminalStates.Contains(s), DemoTimeout);
        Assert.True(done.Snapshot.ExitCode == 0, $"mlops demo ended with exit code {done.Snapshot.ExitCode}: see the demo resource's console log");
        return clock.Elapsed;
    }

    async Task<JsonElement> ModelAsync()
    {
        using var registry = platform.Client("registry");
        return await registry.GetFromJsonAsync<JsonElement>($"/models/{Model}");
    }

    async Task<CustomResourceSnapshot> WaitModelStateAsync(string resourceId, Func<string?, bool> accept, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await foreach (var e in platform.App.ResourceNotifications.WatchAsync(cts.Token))
            if (e.ResourceId == resourceId && accept(e.Snapshot.State?.Text))
                return e.Snapshot;
        throw new TimeoutException();
    }

    [Fact]
    public async Task After_a_demo_run_the_resources_page_shows_the_model_with_its_champion_version_and_a_model_defined_at_run_time()
    {
        await DemoAsync();
        var champion = (await ModelAsync()).GetProperty("champion").GetProperty("version").GetInt32();
        Assert.True(champion >= 2, $"the demo ends with a retrained champion, not v{champion}");

        // The row follows the Registry within a poll or two, with the champion's lineage in its properties and links.
        var snapshot = await WaitModelStateAsync(Model, s => s?.StartsWith($"champion v{champion} ") == true, TimeSpan.FromSeconds(15));
        string? Property(string name) => snapshot.Properties.FirstOrDefault(p => p.Name == name)?.Value?.ToString();
        Assert.StartsWith("rmse ", Property("mlops.metric"));
        Assert.Contains("weather v", Property("mlops.dataset"));
        Assert.StartsWith("gbdt", Property("mlops.trainer"));
        Assert.NotNull(Property("mlops.drift"));
        Assert.Contains(snapshot.Urls, u => u.Url.EndsWith($"/models/{Model}/versions/{champion}"));
        Assert.Contains(snapshot.Urls, u => u.Url.EndsWith($"/models/{Model}/drift/report"));
        Assert.Equal("registry", snapshot.Relationships.FirstOrDefault(r => r.Type == "Parent")?.ResourceName);

        // A pipeline defined at run time is a row of its own, named by the model.
        var runTime = "ops-rt-" + Guid.NewGuid().ToString("N")[..6];
        using (var training = platform.Client("training"))
        using (var put = await training.PutAsJsonAsync($"/pipelines/{runTime}", new JsonObject
               {
                   ["dataset"] = runTime, ["task"] = "regression", ["target"] = "y",
                   ["trainer"] = new JsonObject { ["name"] = "linear" },
               }))
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        var row = await WaitModelStateAsync(runTime, s => s == "no version yet", TimeSpan.FromSeconds(15));
        Assert.Equal(runTime, row.Properties.First(p => p.Name == "mlops.model").Value);

        var page = await _browser.OpenAsync("/");
        var modelRow = DashboardBrowser.Row(page, Model, $"champion v{champion}");
        await Assertions.Expect(modelRow).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(DashboardBrowser.Row(page, runTime, "no version yet")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await page.ScreenshotAsync(new() { Path = DashboardBrowser.Screenshot("ops-resources.png"), FullPage = true });

        // The model's details: its properties as the operator sees them.
        await modelRow.ClickAsync();
        await Assertions.Expect(page.GetByText("Dataset version").First).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await page.ScreenshotAsync(new() { Path = DashboardBrowser.Screenshot("ops-model-details.png"), FullPage = true });
    }

    [Fact]
    public async Task The_promote_and_roll_back_commands_move_the_champion_and_the_registry_audit_log_records_both()
    {
        await DemoAsync();
        var champion = (await ModelAsync()).GetProperty("champion").GetProperty("version").GetInt32();
        var commands = platform.App.Services.GetRequiredService<ResourceCommandService>();
        var reason = "back to v1 for a look " + Guid.NewGuid().ToString("N")[..6];

        var promoted = await commands.ExecuteCommandAsync(Model, "mlops-promote", new InteractionInputCollection(
        [
            new InteractionInput { Name = "version", InputType = InputType.Number, Value = "1" },
            new InteractionInput { Name = "reason", InputType = InputType.Text, Value = reason },
        ]));
        Assert.True(promoted.Success, promoted.Message);
        Assert.Equal(1, (await ModelAsync()).GetProperty("champion").GetProperty("version").GetInt32());
        await WaitModelStateAsync(Model, s => s?.StartsWith("champion v1 ") == true, TimeSpan.FromSeconds(15));

        using var registry = platform.Client("registry");
        var audit = await registry.GetFromJsonAsync<JsonElement>($"/models/{Model}/audit");
        var entry = audit.EnumerateArray().Last();
        Assert.Equal(reason, entry.GetProperty("reason").GetString());
        Assert.Equal(champion, entry.GetProperty("from").GetInt32());
        Assert.Equal(1, entry.GetProperty("to").GetInt32());
        Assert.EndsWith("(dashboard)", entry.GetProperty("who").GetString());

        // Roll back: the champion before v1 was the demo's last one.
        var rolledBack = await commands.ExecuteCommandAsync(Model, "mlops-rollback", new InteractionInputCollection(
            [new InteractionInput { Name = "reason", InputType = InputType.Text, Value = "done looking" }]));
        Assert.True(rolledBack.Success, rolledBack.Message);
        Assert.Equal(champion, (await ModelAsync()).GetProperty("champion").GetProperty("version").GetInt32());
        audit = await registry.GetFromJsonAsync<JsonElement>($"/models/{Model}/audit");
        Assert.Equal("done looking", audit.EnumerateArray().Last().GetProperty("reason").GetString());
        await WaitModelStateAsync(Model, s => s?.StartsWith($"champion v{champion} ") == true, TimeSpan.FromSeconds(15));

        // A version that does not exist is refused with the Registry's reason, and nothing moves.
        var refused = await commands.ExecuteCommandAsync(Model, "mlops-promote", new InteractionInputCollection(
        [
            new InteractionInput { Name = "version", InputType = InputType.Number, Value = "99" },
            new InteractionInput { Name = "reason", InputType = InputType.Text, Value = "no such version" },
        ]));
        Assert.False(refused.Success);
        Assert.Contains("no version 99", refused.Message);
        Assert.Equal(champion, (await ModelAsync()).GetProperty("champion").GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task The_metrics_page_charts_the_drift_share_of_monitoring()
    {
        await DemoAsync();
        var page = await _browser.OpenAsync("/metrics/resource/monitoring");
        try
        {
            // The instrument is listed once Monitoring's exporter has sent it (every few seconds); the page is opened again until then.
            var instrument = page.Locator("fluent-tree-item[title='mlops.monitoring.drift.share']").First;
            var tree = page.GetByText("MlOps.Backlog", new() { Exact = true }).First;
            await tree.WaitForAsync(new() { Timeout = 60_000 });
            for (var attempt = 0; attempt < 12 && await instrument.CountAsync() == 0; attempt++)
            {
                await Task.Delay(5000);
                await page.ReloadAsync();
                await tree.WaitForAsync(new() { Timeout = 30_000 });
            }
            await instrument.ClickAsync(new() { Timeout = 15_000 });
            var description = page.GetByText("Share of a window's features that drifted").First;
            await Assertions.Expect(description).ToBeVisibleAsync(new() { Timeout = 15_000 });
            // The chart itself: Plotly draws it as SVG once there are points.
            await Assertions.Expect(page.Locator("svg.main-svg").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        }
        catch (PlaywrightException)
        {
            await File.WriteAllTextAsync(DashboardBrowser.Screenshot("ops-metrics-failed.html"), await page.ContentAsync());
            await page.ScreenshotAsync(new() { Path = DashboardBrowser.Screenshot("ops-metrics-failed.png"), FullPage = true });
            throw;
        }
        await page.ScreenshotAsync(new() { Path = DashboardBrowser.Screenshot("ops-metrics-drift-share.png"), FullPage = true });
    }

    [Fact]
    public async Task The_traces_page_shows_one_trace_with_spans_from_at_least_four_services()
    {
        await DemoAsync();
        using var telemetry = await platform.TelemetryClientAsync();
        var text = await telemetry.GetStringAsync("/api/telemetry/spans?limit=10000");
        var services = new Dictionary<string, HashSet<string>>();
        using (var doc = JsonDocument.Parse(text))
        {
            foreach (var resource in doc.RootElement.GetProperty("data").GetProperty("resourceSpans").EnumerateArray())
            {
                var service = resource.GetProperty("resource").GetProperty("attributes").EnumerateArray()
                    .First(a => a.GetProperty("key").GetString() == "service.name").GetProperty("value").GetProperty("stringValue").GetString()!;
                foreach (var scope in resource.GetProperty("scopeSpans").EnumerateArray())
                foreach (var span in scope.GetProperty("spans").EnumerateArray())
                {
                    var trace = span.GetProperty("traceId").GetString()!;
                    if (!services.TryGetValue(trace, out var set))
                        services[trace] = set = [];
                    set.Add(service);
                }
            }
        }
        // The trace of a pipeline run: an ingested batch through validation and training to the registry and beyond.
        var (traceId, across) = services.OrderByDescending(t => t.Value.Count).Select(t => (t.Key, t.Value)).First();
        Assert.True(across.Count >= 4, $"the widest trace crosses {across.Count} services: {string.Join(", ", across)}");

        var page = await _browser.OpenAsync($"/traces/detail/{traceId}");
        await Assertions.Expect(page.GetByText("ingestion", new() { Exact = true }).First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await page.ScreenshotAsync(new() { Path = DashboardBrowser.Screenshot("ops-trace.png") });
        // The span grid draws the rows in view: the page's filter narrows the trace to one service's spans at a time.
        var filter = page.GetByPlaceholder("Filter...").First;
        var shown = new List<string>();
        foreach (var service in across)
        {
            await filter.ClickAsync();
            await page.Keyboard.PressAsync("Control+A");
            await page.Keyboard.PressAsync("Backspace");
            await page.Keyboard.TypeAsync(service);
            try
            {
                await Assertions.Expect(page.Locator(".tracedetails-grid-container").GetByText(service, new() { Exact = true }).First).ToBeVisibleAsync(new() { Timeout = 10_000 });
                shown.Add(service);
            }
            catch (PlaywrightException)
            {
            }
        }
        Assert.True(shown.Count >= 4, $"the trace page shows spans of {string.Join(", ", shown)} only (the trace crosses {string.Join(", ", across)})");
        output.WriteLine($"trace {traceId}: {string.Join(", ", across)}");
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace MlOps.Tests.AppHost;

/// <summary>The whole platform under the real AppHost: resources, a real batch end to end, stop and start, a bus that is down (crashes and outages under load: <see cref="FaultTests"/>).</summary>
[Collection(PlatformCollection.Name)]
public sealed class PlatformTests(PlatformFixture platform)
{
    [Fact]
    public async Task Every_resource_is_running_and_healthy()
    {
        await platform.WaitAllHealthyAsync();
        foreach (var name in PlatformFixture.Services.Concat(PlatformFixture.Servers).Concat(PlatformFixture.Databases))
        {
            var snapshot = platform.Snapshot(name);
            Assert.Equal(KnownResourceStates.Running, snapshot.State?.Text);
            Assert.Equal(HealthStatus.Healthy, snapshot.HealthStatus);
        }
        foreach (var service in PlatformFixture.Services)
        {
            using var client = platform.Client(service);
            using var health = await client.GetAsync("/health");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            using var openApi = await client.GetAsync("/openapi/v1.json");
            Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        }
    }

    [Fact]
    public async Task A_seattle_weather_batch_posted_to_ingestion_ends_validated()
    {
        await platform.WaitAllHealthyAsync();
        using var client = platform.Client("ingestion");
        var csv = await File.ReadAllTextAsync(PlatformFixture.RepoFile("tests", "data", "seattle-weather.csv"));
        var batch = await PostAsync(client, "seattle-weather", csv);
        var decided = await WaitDecidedAsync(client, "seattle-weather", batch, TimeSpan.FromSeconds(60));
        Assert.Equal("validated", decided.GetProperty("status").GetString());
        Assert.Equal(1461, decided.GetProperty("rows").GetInt64());
    }

    [Fact]
    public async Task Batches_posted_while_validation_is_stopped_are_validated_once_it_starts_again()
    {
        await platform.WaitAllHealthyAsync();
        var stop = await platform.CommandAsync("validation", KnownResourceCommands.StopCommand);
        Assert.True(stop.Success, stop.Message);
        await platform.WaitForStateAsync("validation", s => KnownResourceStates.TerminalStates.Contains(s), TimeSpan.FromSeconds(60));

        using var client = platform.Client("ingestion");
        var dataset = "stopped-" + Guid.NewGuid().ToString("N")[..6];
        var batches = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            batches.Add(await PostAsync(client, dataset, $"x,y\n{i},{i * 2}\n{i + 1},{i * 3}\n"));
        }
        // A stop from the dashboard is not a crash: nothing starts Validation again behind the operator's back.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Contains(platform.Snapshot("validation").State?.Text, KnownResourceStates.TerminalStates);
        foreach (var id in batches)
        {
            var batch = await client.GetFromJsonAsync<JsonElement>($"/datasets/{dataset}/batches/{id}");
            Assert.Equal("arrived", batch.GetProperty("status").GetString());
        }

        var start = await platform.CommandAsync("validation", KnownResourceCommands.StartCommand);
        Assert.True(start.Success, start.Message);
        await platform.WaitAllHealthyAsync();
        foreach (var id in batches)
        {
            var decided = await WaitDecidedAsync(client, dataset, id, TimeSpan.FromSeconds(60));
            Assert.Equal("validated", decided.GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task A_service_whose_bus_is_down_is_unhealthy()
    {
        await platform.WaitAllHealthyAsync();
        var stop = await platform.CommandAsync("messaging", KnownResourceCommands.StopCommand);
        Assert.True(stop.Success, stop.Message);
        try
        {
            using var client = platform.Client("serving");
            var deadline = DateTime.UtcNow.AddSeconds(60);
            HttpStatusCode status;
            do
            {
                await Task.Delay(500);
                using var health = await client.GetAsync("/health");
                status = health.StatusCode;
            }
            while (status == HttpStatusCode.OK && DateTime.UtcNow < deadline);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        }
        finally
        {
            var start = await platform.CommandAsync("messaging", KnownResourceCommands.StartCommand);
            Assert.True(start.Success, start.Message);
            await platform.WaitAllHealthyAsync();
        }
    }

    [Fact]
    public async Task An_idle_platform_sends_no_traces_to_the_dashboard()
    {
        await platform.WaitAllHealthyAsync();
        using var telemetry = await platform.TelemetryClientAsync();
        // Let whatever an earlier test started finish, then watch a quiet platform: outbox polls, retention sweeps and
        // health probes keep running but must not reach the dashboard as traces.
        await Task.Delay(TimeSpan.FromSeconds(5));
        var since = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(20));
        var spans = await SpansStartedSinceAsync(telemetry, since);
        Assert.True(spans.Count == 0, $"{spans.Count} spans from an idle platform, e.g. {string.Join("; ", spans.Take(5))}");

        // The same API does see traffic: one batch gives spans from Ingestion and Validation in one trace.
        using var client = platform.Client("ingestion");
        var dataset = "traced-api-" + Guid.NewGuid().ToString("N")[..6];
        var id = await PostAsync(client, dataset, "p,q\n1,2\n");
        await WaitDecidedAsync(client, dataset, id, TimeSpan.FromSeconds(60));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        List<string> busy;
        do
        {
            await Task.Delay(1000);
            busy = await SpansStartedSinceAsync(telemetry, since);
        }
        while (!(busy.Any(s => s.StartsWith("ingestion:")) && busy.Any(s => s.StartsWith("validation:"))) && DateTime.UtcNow < deadline);
        Assert.Contains(busy, s => s.StartsWith("ingestion:"));
        Assert.Contains(busy, s => s.StartsWith("validation:"));
    }

    /// <summary>Every span the dashboard holds that started after <paramref name="since"/>, as "service: span name".</summary>
    static async Task<List<string>> SpansStartedSinceAsync(HttpClient telemetry, DateTimeOffset since)
    {
        using var response = await telemetry.GetAsync("/api/telemetry/spans?limit=10000");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"telemetry API answered {(int)response.StatusCode}: {text}");
        var sinceNanos = (since.ToUnixTimeMilliseconds() * 1_000_000).ToString();
        var found = new List<string>();
        using var doc = JsonDocument.Parse(text);
        foreach (var resource in doc.RootElement.GetProperty("data").GetProperty("resourceSpans").EnumerateArray())
        {
            var service = resource.GetProperty("resource").GetProperty("attributes").EnumerateArray()
                .FirstOrDefault(a => a.GetProperty("key").GetString() == "service.name").GetProperty("value").GetProperty("stringValue").GetString();
            foreach (var scope in resource.GetProperty("scopeSpans").EnumerateArray())
            foreach (var span in scope.GetProperty("spans").EnumerateArray())
            {
                var start = span.GetProperty("startTimeUnixNano").GetString()!;
                if (start.Length > sinceNanos.Length || (start.Length == sinceNanos.Length && string.CompareOrdinal(start, sinceNanos) > 0))
                    found.Add($"{service}: {span.GetProperty("name").GetString()}");
            }
        }
        return found;
    }

    internal static async Task<Guid> PostAsync(HttpClient client, string dataset, string csv)
    {
        using var response = await client.PostAsync($"/datasets/{dataset}/batches", new StringContent(csv, Encoding.UTF8, "text/csv"));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"expected 202, got {(int)response.StatusCode}: {body}");
        return body.GetProperty("batchId").GetGuid();
    }

    internal static async Task<JsonElement> WaitDecidedAsync(HttpClient client, string dataset, Guid batchId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var batch = await client.GetFromJsonAsync<JsonElement>($"/datasets/{dataset}/batches/{batchId}");
            if (batch.GetProperty("status").GetString() != "arrived")
            {
                return batch;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"batch {batchId} was not decided within {timeout.TotalSeconds} s: {batch}");
            }
            await Task.Delay(250);
        }
    }
}

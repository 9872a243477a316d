using System.Net;
using MlOps.Tests.Integration.Infrastructure;
using MlOps.Tests.Integration.Loop;

namespace MlOps.Tests.Integration.Fuzz;

/// <summary>
/// All six services as processes: the shared Ingestion and Validation, a <see cref="ServingStack"/> (Training, Registry,
/// Serving) whose Serving serves a small weather champion, so predict bodies are read to the end, and Monitoring; plus
/// a second Ingestion with a tiny rate limit, started alongside so its start costs no time of its own.
/// </summary>
public sealed class FuzzStack(InfrastructureFixture infra) : IAsyncLifetime
{
    readonly ServingStack _serving = new(infra);
    MonitoringServices? _monitoring;

    public SliceServices Slice { get; private set; } = null!;
    /// <summary>Ingestion limited to 1 request per second (bursts of 3) per client, loopback included.</summary>
    public ServiceProcess RateLimited { get; private set; } = null!;
    public ServiceProcess Monitoring => _monitoring!.Monitoring;
    public ServiceProcess Training => _serving.Loop.Training;
    public ServiceProcess Registry => _serving.Loop.Registry;
    public ServiceProcess Serving => _serving.Serving;

    /// <summary>The served model (also its pipeline's name) and its dataset.</summary>
    public string Champion { get; } = LoopData.Name("fuzz-champion");
    public string ChampionDataset { get; } = LoopData.Name("fuzz-weather");

    public IReadOnlyList<ServiceProcess> All => [Slice.Ingestion, Slice.Validation!, Training, Registry, Serving, Monitoring];

    public async Task InitializeAsync()
    {
        var slice = infra.SliceAsync();
        var monitoring = MonitoringServices.StartAsync(infra);
        var limited = StartRateLimitedAsync(slice);
        await _serving.InitializeAsync();
        using (var put = await LoopData.PutPipelineAsync(_serving.Loop, Champion, LoopData.WeatherPipeline(ChampionDataset, trees: 3)))
            if (put.StatusCode != HttpStatusCode.Created)
                throw new InvalidOperationException($"defining the champion's pipeline answered {(int)put.StatusCode}: {await put.Content.ReadAsStringAsync()}");
        await LoopData.PublishVersionAsync(_serving.Loop, ChampionDataset, 1, LoopData.WeatherCsv(0, 600));
        await LoopData.PollAsync(Serving.Client, $"models/{Champion}",
            m => m.TryGetProperty("champion", out var c) && c.ValueKind == System.Text.Json.JsonValueKind.Object, seconds: 90);
        Slice = await slice;
        _monitoring = await monitoring;
        RateLimited = await limited;
    }

    async Task<ServiceProcess> StartRateLimitedAsync(Task<SliceServices> slice) =>
        await (await slice).StartIngestionAsync(infra, new Dictionary<string, string>
        {
            ["Limits__RequestsPerSecond"] = "1",
            ["Limits__RequestBurst"] = "3",
            ["Limits__ExemptLoopback"] = "false",
        });

    public async Task DisposeAsync()
    {
        if (RateLimited is not null)
            await RateLimited.DisposeAsync();
        if (_monitoring is not null)
            await _monitoring.DisposeAsync();
        await _serving.DisposeAsync();
    }
}

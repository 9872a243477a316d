using System.Collections.Concurrent;
using MassTransit;
using MlOps.Contracts;
using MlOps.ServiceDefaults.Blobs;
using MlOps.ServiceDefaults.Messaging;
using MlOps.Tests.Integration.Infrastructure;
using Npgsql;

namespace MlOps.Tests.Integration.Loop;

/// <summary>
/// Training, Registry and Serving as processes on a virtual host of their own (so no other test's Training or Registry
/// takes their events), with their own databases and blob store; plus a bus of the tests' own that publishes events as
/// other services would and records the events Serving publishes.
/// </summary>
public sealed class ServingStack : IAsyncLifetime
{
    readonly InfrastructureFixture _infra;
    NpgsqlDataSource? _blobData;
    IBusControl? _bus;
    Dictionary<string, string> _servingEnv = [];

    public ServingStack(InfrastructureFixture infra) => _infra = infra;

    /// <summary>The loop services on this stack's virtual host: the helpers of <see cref="LoopData"/> work on it.</summary>
    public LoopServices Loop { get; private set; } = null!;
    public ServiceProcess Serving { get; private set; } = null!;
    public IBlobStore Blobs { get; private set; } = null!;
    public IPublishEndpoint Bus => _bus!;
    public string Messaging { get; private set; } = "";
    public ConcurrentQueue<PredictionsLogged> Logged { get; } = new();
    public ConcurrentQueue<FeedbackReceived> Feedback { get; } = new();

    public async Task InitializeAsync()
    {
        Messaging = await _infra.CreateVirtualHostAsync("serving-" + Guid.NewGuid().ToString("N")[..8]);
        var blobs = await _infra.CreateDatabaseAsync("blobs");
        _blobData = NpgsqlDataSource.Create(blobs);
        await PostgresBlobStore.EnsureSchemaAsync(_blobData, CancellationToken.None);
        Blobs = new PostgresBlobStore(_blobData);

        // The observer's queue is bound before any service publishes, so no PredictionsLogged or FeedbackReceived is missed.
        _bus = Broker.Create(Messaging, cfg => cfg.ReceiveEndpoint("serving-tests-observer", e =>
        {
            e.Handler<PredictionsLogged>(c => { Logged.Enqueue(c.Message); return Task.CompletedTask; });
            e.Handler<FeedbackReceived>(c => { Feedback.Enqueue(c.Message); return Task.CompletedTask; });
        }));
        await _bus.StartAsync();

        _servingEnv = new Dictionary<string, string>
        {
            ["ConnectionStrings__messaging"] = Messaging,
            ["ConnectionStrings__blobs"] = blobs,
            ["ConnectionStrings__servingdb"] = await _infra.CreateDatabaseAsync("servingdb"),
            ["Serving__LogWindowAge"] = "00:00:01",
            ["Serving__ChampionSyncInterval"] = "00:00:02",
            ["Outbox__PollInterval"] = "00:00:00.200",
        };
        var serving = ServiceProcess.StartAsync("Serving", _servingEnv);
        Loop = await LoopServices.StartAsync(_infra, Messaging, blobs);
        Serving = await serving;
    }

    /// <summary>Stops Serving cleanly (SIGTERM) and starts it again on the same database, with <paramref name="settings"/> over the usual ones.</summary>
    public async Task RestartServingAsync(IDictionary<string, string>? settings = null)
    {
        await Serving.StopAsync(TimeSpan.FromSeconds(30));
        await Serving.DisposeAsync();
        var env = new Dictionary<string, string>(_servingEnv);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            env[key] = value;
        Serving = await ServiceProcess.StartAsync("Serving", env);
    }

    public async Task DisposeAsync()
    {
        if (Serving is not null)
            await Serving.DisposeAsync();
        if (Loop is not null)
            await Loop.DisposeAsync();
        if (_bus is not null)
            await _bus.StopAsync();
        if (_blobData is not null)
            await _blobData.DisposeAsync();
    }
}

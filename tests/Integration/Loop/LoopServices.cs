using MassTransit;
using MlOps.ServiceDefaults.Blobs;
using MlOps.ServiceDefaults.Messaging;
using MlOps.Tests.Integration.Infrastructure;
using Npgsql;

namespace MlOps.Tests.Integration.Loop;

/// <summary>
/// Training and Registry as processes on the shared broker, each with its own database, sharing one blob store that
/// the tests also write to; plus a bus of the tests' own to publish events as other services would.
/// </summary>
public sealed class LoopServices : IAsyncDisposable
{
    readonly NpgsqlDataSource _blobData;
    readonly IBusControl _bus;
    readonly Dictionary<string, string> _trainingEnv;

    LoopServices(ServiceProcess training, Dictionary<string, string> trainingEnv, ServiceProcess registry, NpgsqlDataSource blobData, IBusControl bus)
    {
        Training = training;
        _trainingEnv = trainingEnv;
        Registry = registry;
        _blobData = blobData;
        Blobs = new PostgresBlobStore(blobData);
        _bus = bus;
    }

    public ServiceProcess Training { get; private set; }
    public ServiceProcess Registry { get; }
    public IBlobStore Blobs { get; }
    public IPublishEndpoint Bus => _bus;

    public static Task<LoopServices> StartAsync(InfrastructureFixture infra) => StartAsync(infra, infra.Messaging, blobs: null);

    /// <summary>On another virtual host (<paramref name="messaging"/>) and, when given, an existing blob store: a stack of its own.</summary>
    public static async Task<LoopServices> StartAsync(InfrastructureFixture infra, string messaging, string? blobs)
    {
        blobs ??= await infra.CreateDatabaseAsync("blobs");
        var blobData = NpgsqlDataSource.Create(blobs);
        await PostgresBlobStore.EnsureSchemaAsync(blobData, CancellationToken.None);
        var trainingEnv = new Dictionary<string, string>
        {
            ["ConnectionStrings__messaging"] = messaging,
            ["ConnectionStrings__blobs"] = blobs,
            ["ConnectionStrings__trainingdb"] = await infra.CreateDatabaseAsync("trainingdb"),
            ["Training__PollInterval"] = "00:00:00.200",
        };
        var training = ServiceProcess.StartAsync("Training", trainingEnv);
        var registry = ServiceProcess.StartAsync("Registry", new Dictionary<string, string>
        {
            ["ConnectionStrings__messaging"] = messaging,
            ["ConnectionStrings__blobs"] = blobs,
            ["ConnectionStrings__registrydb"] = await infra.CreateDatabaseAsync("registrydb"),
        });
        var bus = Broker.Create(messaging);
        await bus.StartAsync();
        return new LoopServices(await training, trainingEnv, await registry, blobData, bus);
    }

    /// <summary>A second Training process on the same database and queues (a replica), with <paramref name="settings"/> over the usual ones.</summary>
    public Task<ServiceProcess> StartTrainingReplicaAsync(IDictionary<string, string>? settings = null)
    {
        var env = new Dictionary<string, string>(_trainingEnv);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            env[key] = value;
        return ServiceProcess.StartAsync("Training", env);
    }

    /// <summary>Kills Training (no graceful shutdown: a crash), runs <paramref name="whileDown"/>, then starts it again on the same database.</summary>
    public async Task CrashTrainingAsync(Func<Task>? whileDown = null)
    {
        await Training.DisposeAsync();
        try
        {
            if (whileDown is not null)
                await whileDown();
        }
        finally
        {
            Training = await ServiceProcess.StartAsync("Training", _trainingEnv);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _bus.StopAsync();
        await Training.DisposeAsync();
        await Registry.DisposeAsync();
        await _blobData.DisposeAsync();
    }
}

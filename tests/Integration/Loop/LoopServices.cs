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

    LoopServices(ServiceProcess training, ServiceProcess registry, NpgsqlDataSource blobData, IBusControl bus)
    {
        Training = training;
        Registry = registry;
        _blobData = blobData;
        Blobs = new PostgresBlobStore(blobData);
        _bus = bus;
    }

    public ServiceProcess Training { get; }
    public ServiceProcess Registry { get; }
    public IBlobStore Blobs { get; }
    public IPublishEndpoint Bus => _bus;

    public static async Task<LoopServices> StartAsync(InfrastructureFixture infra)
    {
        var blobs = await infra.CreateDatabaseAsync("blobs");
        var blobData = NpgsqlDataSource.Create(blobs);
        await PostgresBlobStore.EnsureSchemaAsync(blobData, CancellationToken.None);
        var training = ServiceProcess.StartAsync("Training", new Dictionary<string, string>
        {
            ["ConnectionStrings__messaging"] = infra.Messaging,
            ["ConnectionStrings__blobs"] = blobs,
            ["ConnectionStrings__trainingdb"] = await infra.CreateDatabaseAsync("trainingdb"),
            ["Training__PollInterval"] = "00:00:00.200",
        });
        var registry = ServiceProcess.StartAsync("Registry", new Dictionary<string, string>
        {
            ["ConnectionStrings__messaging"] = infra.Messaging,
            ["ConnectionStrings__blobs"] = blobs,
            ["ConnectionStrings__registrydb"] = await infra.CreateDatabaseAsync("registrydb"),
        });
        var endpoint = RabbitMqEndpoint.Parse(infra.Messaging);
        var bus = MassTransit.Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(endpoint.Host, endpoint.Port, endpoint.VirtualHost, h =>
        {
            h.Username(endpoint.Username);
            h.Password(endpoint.Password);
            h.PublisherConfirmation = true;
        }));
        await bus.StartAsync();
        return new LoopServices(await training, await registry, blobData, bus);
    }

    public async ValueTask DisposeAsync()
    {
        await _bus.StopAsync();
        await Training.DisposeAsync();
        await Registry.DisposeAsync();
        await _blobData.DisposeAsync();
    }
}

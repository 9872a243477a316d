using MlOps.AppHost.Infrastructure;

using Npgsql;

namespace MlOps.AppHost.Orchestration;

/// <summary>
/// The bus and the database server the services use: started privately under the state directory, or taken
/// from <c>ConnectionStrings:messaging</c> / <c>ConnectionStrings:postgres</c> when those are given.
/// </summary>
public sealed class PlatformInfrastructure(ResourceCatalog catalog, ConsoleOutput console) : IAsyncDisposable
{
    public const string RabbitMqResource = "rabbitmq";
    public const string PostgresResource = "postgres";

    private RabbitMqNode? _rabbitMq;
    private PostgresCluster? _postgres;

    public string MessagingConnectionString { get; private set; } = "";

    /// <summary>A server-level connection string; per-database strings are derived from it.</summary>
    public string PostgresConnectionString { get; private set; } = "";

    /// <summary>Adds the two resources to the catalog, so they lead the table before anything has started.</summary>
    public void Register(string? messaging, string? postgres)
    {
        catalog.Add(new ResourceSnapshot(RabbitMqResource, "RabbitMQ", messaging is null ? ResourceState.Starting : ResourceState.External, messaging is null ? "" : Redact(messaging)));
        catalog.Add(new ResourceSnapshot(PostgresResource, "PostgreSQL", postgres is null ? ResourceState.Starting : ResourceState.External, postgres is null ? "" : Redact(postgres)));
    }

    public async Task StartAsync(string stateDir, string? messaging, string? postgres, PortPlan ports, CancellationToken ct)
    {
        // Both start at once: together they take about as long as RabbitMQ alone.
        await Task.WhenAll(StartRabbitMqAsync(stateDir, messaging, ports.RabbitMq, ct), StartPostgresAsync(stateDir, postgres, ports.Postgres, ct));
    }

    public async Task EnsureDatabasesAsync(IEnumerable<string> names, CancellationToken ct)
    {
        try
        {
            foreach (var name in names)
            {
                await PostgresDatabases.EnsureAsync(PostgresConnectionString, name, ct);
            }
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw new InvalidOperationException(
                $"Could not create the service databases on {Redact(PostgresConnectionString)}: {e.Message}", e);
        }
    }

    public string DatabaseConnectionString(string database) => PostgresDatabases.ForDatabase(PostgresConnectionString, database);

    public async ValueTask DisposeAsync()
    {
        if (_rabbitMq is not null)
        {
            catalog.Update(RabbitMqResource, r => r with { State = ResourceState.Stopping });
            await _rabbitMq.DisposeAsync();
            catalog.Update(RabbitMqResource, r => r with { State = ResourceState.Stopped, ProcessId = null });
        }
        if (_postgres is not null)
        {
            catalog.Update(PostgresResource, r => r with { State = ResourceState.Stopping });
            await _postgres.DisposeAsync();
            catalog.Update(PostgresResource, r => r with { State = ResourceState.Stopped, ProcessId = null });
        }
    }

    private async Task StartRabbitMqAsync(string stateDir, string? external, int port, CancellationToken ct)
    {
        if (external is not null)
        {
            MessagingConnectionString = external;
            return;
        }
        try
        {
            _rabbitMq = await RabbitMqNode.StartAsync(Path.Combine(stateDir, "rabbitmq"), port, console.For(RabbitMqResource), ct);
        }
        catch
        {
            catalog.Update(RabbitMqResource, r => r with { State = ResourceState.Failed });
            throw;
        }
        MessagingConnectionString = _rabbitMq.ConnectionString;
        _ = ReportUnexpectedExitAsync(_rabbitMq);
        catalog.Update(RabbitMqResource, r => r with { State = ResourceState.Running, Endpoint = _rabbitMq.ConnectionString, ProcessId = _rabbitMq.ProcessId });
    }

    // The services' bus clients reconnect on their own, so a crashed node is shown, not fatal.
    private async Task ReportUnexpectedExitAsync(RabbitMqNode node)
    {
        await node.Exited;
        catalog.Update(RabbitMqResource, r => r.State is ResourceState.Stopping or ResourceState.Stopped
            ? r
            : r with { State = ResourceState.Exited, ProcessId = null });
        if (catalog.Find(RabbitMqResource)?.State == ResourceState.Exited)
        {
            console.Line(RabbitMqResource, "RabbitMQ exited unexpectedly; restart the AppHost to start it again.");
        }
    }

    private async Task StartPostgresAsync(string stateDir, string? external, int port, CancellationToken ct)
    {
        if (external is not null)
        {
            PostgresConnectionString = external;
            return;
        }
        try
        {
            _postgres = await PostgresCluster.StartAsync(Path.Combine(stateDir, "postgres"), port, console.For(PostgresResource), ct);
        }
        catch
        {
            catalog.Update(PostgresResource, r => r with { State = ResourceState.Failed });
            throw;
        }
        PostgresConnectionString = _postgres.ServerConnectionString;
        catalog.Update(PostgresResource, r => r with { State = ResourceState.Running, Endpoint = _postgres.ServerConnectionString, ProcessId = _postgres.ProcessId });
    }

    // Endpoints are shown on the console and the dashboard; a password given from outside is not.
    private static string Redact(string connectionString)
    {
        if (Uri.TryCreate(connectionString, UriKind.Absolute, out var uri) && uri.UserInfo.Contains(':'))
        {
            return new UriBuilder(uri) { Password = "***" }.Uri.ToString();
        }
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            if (!string.IsNullOrEmpty(builder.Password))
            {
                builder.Password = "***";
            }
            return builder.ConnectionString;
        }
        catch (ArgumentException)
        {
            return "(external)";
        }
    }
}

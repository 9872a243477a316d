using MlOps.Testing;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace MlOps.Tests.Integration.Infrastructure;

/// <summary>
/// One private RabbitMQ node and one private PostgreSQL cluster for the whole test run, on free ports in a temp
/// directory, torn down at the end. Tests create their own databases so none depends on another's rows.
/// </summary>
public sealed class InfrastructureFixture(IMessageSink sink) : IAsyncLifetime
{
    readonly string _root = Path.Combine(Path.GetTempPath(), "mlops-tests-" + Guid.NewGuid().ToString("N")[..8]);
    RabbitMqNode? _rabbit;
    PostgresCluster? _postgres;
    Task<SliceServices>? _slice;
    Task<Loop.LoopServices>? _loop;

    readonly IMessageSink _sink = sink;

    public RabbitMqNode Rabbit => _rabbit ?? throw new InvalidOperationException("RabbitMQ is not started");
    public PostgresCluster Postgres => _postgres ?? throw new InvalidOperationException("PostgreSQL is not started");
    public string Messaging => Rabbit.ConnectionString;
    public string Root => _root;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        void Log(string line) => _sink.OnMessage(new DiagnosticMessage(line));
        var rabbit = RabbitMqNode.StartAsync(Path.Combine(_root, "rabbitmq"), log: Log);
        var postgres = PostgresCluster.StartAsync(Path.Combine(_root, "postgres"), log: Log);
        _rabbit = await rabbit;
        _postgres = await postgres;
    }

    /// <summary>Creates a database with a unique name and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 60)];
        await Postgres.EnsureDatabaseAsync(name);
        return Postgres.ConnectionString(name);
    }

    /// <summary>A virtual host of its own on the test broker (guest may use it): queues no running service shares.</summary>
    public async Task<string> CreateVirtualHostAsync(string name)
    {
        await RabbitCtlAsync("add_vhost", name);
        await RabbitCtlAsync("set_permissions", "-p", name, "guest", ".*", ".*", ".*");
        return $"amqp://guest:guest@127.0.0.1:{Rabbit.Port}/{name}";
    }

    /// <summary>Runs rabbitmqctl against the test node and returns its output.</summary>
    public async Task<string> RabbitCtlAsync(params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("/usr/lib/rabbitmq/bin/rabbitmqctl") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-n");
        psi.ArgumentList.Add(Rabbit.NodeName);
        foreach (var arg in args)
            psi.ArgumentList.Add(arg);
        // The node's Erlang cookie lives in its private HOME.
        psi.Environment["HOME"] = Rabbit.StateDir;
        using var process = System.Diagnostics.Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"rabbitmqctl {string.Join(' ', args)} failed ({process.ExitCode}): {await output}{await error}");
        return await output;
    }

    /// <summary>
    /// Stops PostgreSQL (every database of the run), runs <paramref name="whileDown"/>, then starts it again on the same
    /// data and port, as an outage and recovery would.
    /// </summary>
    public async Task PostgresOutageAsync(Func<Task> whileDown)
    {
        var (dataDir, port) = (Postgres.DataDir, Postgres.Port);
        await Postgres.DisposeAsync();
        try
        {
            await whileDown();
        }
        finally
        {
            _postgres = await PostgresCluster.StartAsync(dataDir, port, log: line => _sink.OnMessage(new DiagnosticMessage(line)));
        }
    }

    /// <summary>Ingestion and Validation as real processes, started once and shared by the slice tests.</summary>
    public Task<SliceServices> SliceAsync() => _slice ??= SliceServices.StartAsync(this);

    /// <summary>Training and Registry as real processes, started once and shared by the loop tests.</summary>
    public Task<Loop.LoopServices> LoopAsync() => _loop ??= Loop.LoopServices.StartAsync(this);

    public async Task DisposeAsync()
    {
        if (_slice is { IsCompletedSuccessfully: true })
            await _slice.Result.DisposeAsync();
        if (_loop is { IsCompletedSuccessfully: true })
            await _loop.Result.DisposeAsync();
        if (_rabbit is not null)
            await _rabbit.DisposeAsync();
        if (_postgres is not null)
            await _postgres.DisposeAsync();
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class InfrastructureCollection : ICollectionFixture<InfrastructureFixture>
{
    public const string Name = "infrastructure";
}

using MlOps.AppHost.Infrastructure;

using Npgsql;

using RabbitMQ.Client;

using Xunit.Abstractions;

namespace MlOps.Tests.AppHost;

public sealed class InfrastructureTests(ITestOutputHelper output)
{
    [Fact]
    public async Task RabbitMq_accepts_connections_and_keeps_a_durable_queue_across_a_restart()
    {
        using var dir = new TempDir();
        var state = dir.Sub("rabbitmq");
        var queue = $"survivor-{Guid.NewGuid():N}";

        await using (var node = await RabbitMqNode.StartAsync(state, log: output.WriteLine))
        {
            Assert.StartsWith($"amqp://guest:guest@127.0.0.1:{node.Port}/", node.ConnectionString);
            await using var connection = await Connect(node);
            await using var channel = await connection.CreateChannelAsync();
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        }

        await using (var node = await RabbitMqNode.StartAsync(state, log: output.WriteLine))
        {
            await using var connection = await Connect(node);
            await using var channel = await connection.CreateChannelAsync();
            var declared = await channel.QueueDeclarePassiveAsync(queue);
            Assert.Equal(queue, declared.QueueName);
        }
    }

    [Fact]
    public async Task Two_RabbitMq_nodes_run_side_by_side_on_different_ports()
    {
        using var dir = new TempDir();
        await using var first = await RabbitMqNode.StartAsync(dir.Sub("a"), log: output.WriteLine);
        await using var second = await RabbitMqNode.StartAsync(dir.Sub("b"), log: output.WriteLine);

        Assert.NotEqual(first.Port, second.Port);
        Assert.NotEqual(first.NodeName, second.NodeName);
        await using var connection = await Connect(second);
        Assert.True(connection.IsOpen);
    }

    [Fact]
    public async Task PostgreSQL_creates_a_database_once_and_keeps_a_table_across_a_restart()
    {
        using var dir = new TempDir();
        var data = dir.Sub("postgres");

        await using (var cluster = await PostgresCluster.StartAsync(data, log: output.WriteLine))
        {
            await cluster.EnsureDatabaseAsync("keepsdb");
            await cluster.EnsureDatabaseAsync("keepsdb");
            await Execute(cluster.ConnectionString("keepsdb"), "CREATE TABLE kept (id int primary key, name text); INSERT INTO kept VALUES (1, 'one');");
        }

        await using (var cluster = await PostgresCluster.StartAsync(data, log: output.WriteLine))
        {
            await using var connection = new NpgsqlConnection(cluster.ConnectionString("keepsdb"));
            await connection.OpenAsync();
            await using var query = new NpgsqlCommand("SELECT name FROM kept WHERE id = 1", connection);
            Assert.Equal("one", await query.ExecuteScalarAsync());
        }
    }

    [Fact]
    public async Task PostgreSQL_starts_again_after_its_server_was_left_running()
    {
        using var dir = new TempDir();
        var data = dir.Sub("postgres");
        var first = await PostgresCluster.StartAsync(data, log: output.WriteLine);
        try
        {
            // Not disposing the first cluster plays the part of an AppHost that died without cleaning up.
            await using var second = await PostgresCluster.StartAsync(data, log: output.WriteLine);
            await second.EnsureDatabaseAsync("againdb");
        }
        finally
        {
            await first.DisposeAsync();
        }
    }

    [Fact]
    public async Task PostgreSQL_creates_its_cluster_after_a_first_start_was_interrupted_during_initdb()
    {
        using var dir = new TempDir();
        var data = dir.Sub("postgres");
        Directory.CreateDirectory(data + ".initdb");
        File.WriteAllText(Path.Combine(data + ".initdb", "half-written"), "");

        await using var cluster = await PostgresCluster.StartAsync(data, log: output.WriteLine);

        await cluster.EnsureDatabaseAsync("freshdb");
        Assert.False(Directory.Exists(data + ".initdb"));
    }

    [Fact]
    public async Task PostgreSQL_refuses_a_data_directory_that_holds_other_files()
    {
        using var dir = new TempDir();
        var data = dir.Sub("postgres");
        Directory.CreateDirectory(data);
        File.WriteAllText(Path.Combine(data, "notes.txt"), "mine");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => PostgresCluster.StartAsync(data, log: output.WriteLine));

        Assert.Contains("holds no PostgreSQL cluster", error.Message);
        Assert.True(File.Exists(Path.Combine(data, "notes.txt")));
    }

    [Fact]
    public void FreePort_returns_a_port_nobody_listens_on()
    {
        var port = FreePort.Get();
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
        listener.Start();
        Assert.InRange(port, 1024, 65535);
    }

    private static async Task<IConnection> Connect(RabbitMqNode node) =>
        await new ConnectionFactory { Uri = new Uri(node.ConnectionString) }.CreateConnectionAsync();

    private static async Task Execute(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace MlOps.Tests.AppHost;

/// <summary>The local RabbitMQ and PostgreSQL have generated credentials: no guest/guest, no trust authentication.</summary>
[Collection(PlatformCollection.Name)]
public sealed class CredentialsTests(PlatformFixture platform)
{
    [Fact]
    public async Task RabbitMQ_takes_the_generated_user_and_refuses_guest()
    {
        await platform.WaitAllHealthyAsync();
        var connectionString = await platform.App.GetConnectionStringAsync("messaging");
        var uri = new Uri(connectionString!);
        Assert.StartsWith("mlops:", uri.UserInfo);
        Assert.True(uri.UserInfo.Length > "mlops:".Length + 30, "the password is a generated secret");
        Assert.Equal(File.ReadAllText(Path.Combine(platform.StateDir, "rabbitmq", "password")).Trim(), uri.UserInfo["mlops:".Length..]);

        await using (var connection = await new ConnectionFactory { Uri = uri }.CreateConnectionAsync())
        {
            Assert.True(connection.IsOpen);
        }
        var guest = new ConnectionFactory { HostName = uri.Host, Port = uri.Port, UserName = "guest", Password = "guest" };
        var refused = await Assert.ThrowsAnyAsync<BrokerUnreachableException>(() => guest.CreateConnectionAsync());
        Assert.IsType<AuthenticationFailureException>(refused.InnerException);
        var wrong = new ConnectionFactory { HostName = uri.Host, Port = uri.Port, UserName = "mlops", Password = "mlops" };
        await Assert.ThrowsAnyAsync<BrokerUnreachableException>(() => wrong.CreateConnectionAsync());
    }

    [Fact]
    public async Task PostgreSQL_requires_the_generated_password_on_every_connection()
    {
        await platform.WaitAllHealthyAsync();
        var connectionString = await platform.App.GetConnectionStringAsync("ingestiondb");
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        Assert.Equal("postgres", builder.Username);
        Assert.Equal(File.ReadAllText(Path.Combine(platform.StateDir, "postgres", "password")).Trim(), builder.Password);

        await using (var connection = new NpgsqlConnection(builder.ConnectionString))
        {
            await connection.OpenAsync();
            await using var method = new NpgsqlCommand("SELECT count(*) FROM pg_hba_file_rules WHERE auth_method = 'trust'", connection);
            Assert.Equal(0L, await method.ExecuteScalarAsync());
        }
        foreach (var password in new string?[] { null, "postgres", "" })
        {
            var attempt = new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Password = password };
            await using var connection = new NpgsqlConnection(attempt.ConnectionString);
            var refused = await Assert.ThrowsAnyAsync<Exception>(() => connection.OpenAsync());
            Assert.True(refused is PostgresException { SqlState: "28P01" } || refused is NpgsqlException && refused.Message.Contains("password", StringComparison.OrdinalIgnoreCase),
                $"expected an authentication failure, got {refused.GetType().Name}: {refused.Message}");
        }
    }
}

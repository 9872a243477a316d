using Aspire.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MlOps.Testing;
using Npgsql;

namespace MlOps.Tests.AppHost;

/// <summary>
/// The README's alternative to private servers: with <c>ConnectionStrings__messaging</c> and
/// <c>ConnectionStrings__postgres</c> set, the AppHost starts no RabbitMQ or PostgreSQL of its own, creates the
/// databases on the given server and runs the services against it. In the platform collection so it does not start
/// beside the shared composition.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ExistingServersTests
{
    [Fact]
    public async Task With_connection_strings_the_services_run_on_servers_that_already_run()
    {
        var root = Path.Combine(Path.GetTempPath(), "mlops-existing-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await using var rabbit = await RabbitMqNode.StartAsync(Path.Combine(root, "rabbitmq"));
            await using var postgres = await PostgresCluster.StartAsync(Path.Combine(root, "postgres"));
            var stateDir = Path.Combine(root, "state");
            string Url() => $"http://127.0.0.1:{FreePort.Get()}";
            string[] args =
            [
                $"--AppHost:StateDir={stateDir}",
                "--AppHost:FreePorts=true",
                $"--ASPNETCORE_URLS={Url()}",
                $"--ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL={Url()}",
                $"--ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL={Url()}",
                $"--ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL={Url()}",
                "--AppHost:ApiKey=existing-servers-test-key-0123456789abcdef",
                $"--ConnectionStrings:messaging={rabbit.ConnectionString}",
                $"--ConnectionStrings:postgres={postgres.ServerConnectionString}",
            ];
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
                new DistributedApplicationTestingBuilderOptions { EnableDashboard = false }, args, cts.Token);
            builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
            await using var app = await builder.BuildAsync(cts.Token);

            // The app model has no server processes: messaging and every database are connection strings.
            var model = app.Services.GetRequiredService<DistributedApplicationModel>();
            Assert.DoesNotContain(model.Resources, r => r is ExecutableResource && r.Name is "messaging" or "postgres");
            var messaging = model.Resources.Single(r => r.Name == "messaging");
            Assert.IsAssignableFrom<IResourceWithConnectionString>(messaging);
            Assert.Equal(rabbit.ConnectionString, await ((IResourceWithConnectionString)messaging).GetConnectionStringAsync(cts.Token));

            await app.StartAsync(cts.Token);
            await Task.WhenAll(PlatformFixture.Services.Select(s => app.ResourceNotifications.WaitForResourceHealthyAsync(s, cts.Token)));
            Assert.False(Directory.Exists(Path.Combine(stateDir, "rabbitmq")));
            Assert.False(Directory.Exists(Path.Combine(stateDir, "postgres")));

            await using (var connection = new NpgsqlConnection(postgres.ServerConnectionString))
            {
                await connection.OpenAsync(cts.Token);
                await using var databases = new NpgsqlCommand("SELECT datname FROM pg_database", connection);
                var names = new List<string>();
                await using (var reader = await databases.ExecuteReaderAsync(cts.Token))
                {
                    while (await reader.ReadAsync(cts.Token))
                    {
                        names.Add(reader.GetString(0));
                    }
                }
                Assert.Superset(PlatformFixture.Databases.ToHashSet(), names.ToHashSet());
            }

            using var client = app.CreateHttpClient("ingestion", "http");
            client.DefaultRequestHeaders.Add("X-Api-Key", "existing-servers-test-key-0123456789abcdef");
            var batch = await PlatformTests.PostAsync(client, "existing", "x,y\n1,2\n3,4\n");
            var decided = await PlatformTests.WaitDecidedAsync(client, "existing", batch, TimeSpan.FromSeconds(60));
            Assert.Equal("validated", decided.GetProperty("status").GetString());
            await app.StopAsync(cts.Token);
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}

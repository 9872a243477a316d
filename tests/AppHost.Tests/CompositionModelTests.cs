using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace MlOps.Tests.AppHost;

/// <summary>
/// The app model the AppHost declares for each way of providing RabbitMQ and PostgreSQL, inspected without starting it
/// (the container path needs a container runtime, which these machines do not have).
/// </summary>
public sealed class CompositionModelTests
{
    static readonly string[] Databases = ["blobs", "ingestiondb", "validationdb", "trainingdb", "registrydb", "servingdb", "monitoringdb"];

    static async Task<IDistributedApplicationTestingBuilder> ModelAsync(params string[] args) =>
        await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [$"--AppHost:StateDir={Path.Combine(Path.GetTempPath(), "mlops-model-" + Guid.NewGuid().ToString("N")[..8])}", "--AppHost:FreePorts=true", .. args]);

    [Fact]
    public async Task By_default_the_servers_are_private_processes_with_a_database_per_service()
    {
        await using var builder = await ModelAsync();
        Assert.IsType<MlOps.AppHost.Resources.LocalRabbitMqServerResource>(builder.Resources.Single(r => r.Name == "messaging"));
        Assert.IsType<MlOps.AppHost.Resources.LocalPostgresServerResource>(builder.Resources.Single(r => r.Name == "postgres"));
        Assert.All(Databases, name => Assert.IsType<MlOps.AppHost.Resources.LocalPostgresDatabaseResource>(builder.Resources.Single(r => r.Name == name)));
        Assert.DoesNotContain(builder.Resources, r => r is ContainerResource);
    }

    [Fact]
    public async Task With_containers_on_the_servers_are_Aspires_own_container_resources()
    {
        await using var builder = await ModelAsync("--AppHost:Containers=true");
        Assert.IsType<RabbitMQServerResource>(builder.Resources.Single(r => r.Name == "messaging"));
        var postgres = Assert.IsType<PostgresServerResource>(builder.Resources.Single(r => r.Name == "postgres"));
        Assert.Equal(Databases.Order(), postgres.Databases.Keys.Order());
        foreach (var service in PlatformFixture.Services)
        {
            var resource = builder.Resources.Single(r => r.Name == service);
            var waits = resource.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name).ToHashSet();
            Assert.Contains("messaging", waits);
            Assert.Contains($"{service}db", waits);
            Assert.Contains("blobs", waits);
        }
    }

    [Fact]
    public async Task With_connection_strings_the_existing_servers_are_used()
    {
        await using var builder = await ModelAsync(
            "--ConnectionStrings:messaging=amqp://user:secret@127.0.0.1:5672/",
            "--ConnectionStrings:postgres=Host=127.0.0.1;Port=5432;Username=mlops;Password=secret");
        Assert.DoesNotContain(builder.Resources, r => r is ContainerResource or ExecutableResource && r.Name is "messaging" or "postgres");
        Assert.All(Databases, name => Assert.IsType<ConnectionStringResource>(builder.Resources.Single(r => r.Name == name)));
    }
}

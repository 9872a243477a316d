using MlOps.AppHost.Orchestration;

namespace MlOps.Tests.AppHost;

public sealed class ResourceTableTests
{
    [Fact]
    public void Lines_up_every_resource_under_its_column()
    {
        var table = ResourceTable.Render(
        [
            new ResourceSnapshot("rabbitmq", "RabbitMQ", ResourceState.Running, "amqp://guest:guest@127.0.0.1:5672/"),
            new ResourceSnapshot("ingestion", "Project", ResourceState.Healthy, "http://127.0.0.1:5101"),
        ]);

        var lines = table.Split(Environment.NewLine);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("RESOURCE", lines[0]);
        var stateColumn = lines[0].IndexOf("STATE", StringComparison.Ordinal);
        Assert.Equal("Running", lines[2][stateColumn..].Split(' ')[0]);
        Assert.Equal("Healthy", lines[3][stateColumn..].Split(' ')[0]);
        Assert.EndsWith("http://127.0.0.1:5101", lines[3]);
    }
}

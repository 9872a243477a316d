using MlOps.ServiceDefaults.Messaging;

namespace MlOps.Tests.Unit.Messaging;

public sealed class RabbitMqEndpointTests
{
    [Fact]
    public void Reads_credentials_port_and_virtual_host_from_an_amqp_uri()
    {
        var endpoint = RabbitMqEndpoint.Parse("amqp://ops:s%40cret@broker:5673/prod");

        Assert.Equal(new RabbitMqEndpoint("broker", 5673, "prod", "ops", "s@cret"), endpoint);
    }

    [Fact]
    public void Defaults_to_guest_on_the_standard_port_and_root_vhost()
    {
        Assert.Equal(new RabbitMqEndpoint("localhost", 5672, "/", "guest", "guest"), RabbitMqEndpoint.Parse("amqp://localhost"));
    }

    [Fact]
    public void Names_the_setting_when_the_connection_string_is_not_a_uri()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => RabbitMqEndpoint.Parse("Host=localhost"));
        Assert.Contains("ConnectionStrings:messaging", ex.Message);
    }
}

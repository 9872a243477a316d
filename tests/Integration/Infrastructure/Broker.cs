using MassTransit;
using MlOps.ServiceDefaults.Messaging;
using RabbitMQ.Client;

namespace MlOps.Tests.Integration.Infrastructure;

public static class Broker
{
    /// <summary>Messages waiting in <paramref name="queue"/>; 0 when it does not exist.</summary>
    public static async Task<uint> QueueDepthAsync(string messaging, string queue)
    {
        var factory = new ConnectionFactory { Uri = new Uri(messaging) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        try { return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount; }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException) { return 0; }
    }

    /// <summary>
    /// A test's own bus on <paramref name="messaging"/> (with publisher confirms, as the services publish), not started:
    /// <paramref name="endpoints"/> adds the receive endpoints a test observes events on.
    /// </summary>
    public static IBusControl Create(string messaging, Action<IRabbitMqBusFactoryConfigurator>? endpoints = null)
    {
        var endpoint = RabbitMqEndpoint.Parse(messaging);
        return MassTransit.Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(endpoint.Host, endpoint.Port, endpoint.VirtualHost, h =>
            {
                h.Username(endpoint.Username);
                h.Password(endpoint.Password);
                h.PublisherConfirmation = true;
            });
            endpoints?.Invoke(cfg);
        });
    }
}

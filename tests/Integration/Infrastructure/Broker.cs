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
}

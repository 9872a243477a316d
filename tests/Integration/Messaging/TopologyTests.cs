using System.Runtime.CompilerServices;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using MlOps.ServiceDefaults.Messaging;
using MlOps.Tests.Integration.Infrastructure;
using RabbitMQ.Client;

namespace MlOps.Tests.Integration.Messaging;

[Collection(InfrastructureCollection.Name)]
public sealed class TopologyTests(InfrastructureFixture infra)
{
    [Fact]
    public async Task Every_event_published_before_any_consumer_ever_started_waits_in_each_subscribed_endpoints_queue()
    {
        var vhost = "topology-" + Guid.NewGuid().ToString("N")[..8];
        var messaging = await infra.CreateVirtualHostAsync(vhost);
        var db = await infra.CreateDatabaseAsync("topology");
        // A publisher only: no consumer has ever declared its queue on this virtual host.
        using var host = await TestHost.StartAsync(messaging, db, dispatcher: false);
        var bus = host.Services.GetRequiredService<IBus>();

        foreach (var route in EventTopology.Routes)
            await bus.Publish(RuntimeHelpers.GetUninitializedObject(route.Key), route.Key);

        var factory = new ConnectionFactory { Uri = new Uri(messaging) };
        await using var connection = await factory.CreateConnectionAsync();
        foreach (var subscription in EventTopology.Subscriptions)
        {
            await using var channel = await connection.CreateChannelAsync();
            var queue = await channel.QueueDeclarePassiveAsync(subscription.Endpoint);
            if (queue.MessageCount != (uint)subscription.Events.Length)
                Assert.Fail($"{subscription.Endpoint} holds {queue.MessageCount} messages; expected one of each of {string.Join(", ", subscription.Events.Select(e => e.Name))}. "
                    + $"Bindings:\n{await infra.RabbitCtlAsync("list_bindings", "-p", vhost)}\nQueues:\n{await infra.RabbitCtlAsync("list_queues", "-p", vhost, "name", "messages")}");
        }
    }
}

using System.Reflection;
using MassTransit;
using MlOps.ServiceDefaults.Messaging;

namespace MlOps.Tests.Unit.Messaging;

/// <summary>Every consumer of every service takes its endpoint from <see cref="EventTopology"/>, which binds it to each event it consumes.</summary>
public sealed class ConsumerTopologyTests
{
    static readonly string[] ServiceNames = ["Ingestion", "Validation", "Training", "Registry", "Serving", "Monitoring"];

    public static TheoryData<string> Services => new(ServiceNames);

    static Assembly Service(string name) => Assembly.Load(name);

    static IEnumerable<Type> Definitions(Assembly assembly) => assembly.GetTypes()
        .Where(t => !t.IsAbstract && BaseDefinition(t) is not null);

    static Type? BaseDefinition(Type type)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(ServiceConsumerDefinition<>))
                return t;
        return null;
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Every_consumer_has_a_definition_and_its_endpoint_is_bound_to_every_event_it_consumes(string service)
    {
        var assembly = Service(service);
        var consumers = assembly.GetTypes().Where(t => !t.IsAbstract && typeof(IConsumer).IsAssignableFrom(t)).ToList();
        var definitions = Definitions(assembly).ToDictionary(d => BaseDefinition(d)!.GetGenericArguments()[0]);

        foreach (var consumer in consumers)
        {
            Assert.True(definitions.ContainsKey(consumer), $"{service}: {consumer.Name} has no ServiceConsumerDefinition");
            // The definition's constructor refuses a consumer whose events differ from its endpoint's.
            var subscription = ((dynamic)Activator.CreateInstance(definitions[consumer])!).Subscription as Subscription;
            Assert.NotNull(subscription);
            foreach (var evt in ServiceConsumerDefinition<NoConsumer>.ConsumedEvents(consumer))
                Assert.True(EventTopology.Routes[evt].Contains(subscription.Endpoint),
                    $"{service}: {consumer.Name} consumes {evt.Name} on {subscription.Endpoint}, but publishers do not bind that queue to {evt.Name}");
        }
    }

    [Fact]
    public void Endpoint_names_are_unique_and_every_subscription_has_a_consumer_somewhere()
    {
        Assert.Equal(EventTopology.Subscriptions.Count, EventTopology.Subscriptions.Select(s => s.Endpoint).Distinct().Count());
        var endpoints = ServiceNames.SelectMany(s => Definitions(Service(s)))
            .Select(d => (((dynamic)Activator.CreateInstance(d)!).Subscription as Subscription)!.Endpoint).ToHashSet();
        foreach (var subscription in EventTopology.Subscriptions)
            Assert.True(endpoints.Contains(subscription.Endpoint), $"no consumer definition uses {subscription}: its queue would fill up unread");
    }

    [Fact]
    public void A_consumer_that_takes_an_event_its_endpoint_does_not_route_fails_at_start_up()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new MisroutedDefinition());
        Assert.Contains("EventTopology", ex.Message);
    }

    sealed class NoConsumer : IConsumer;

    sealed class MisroutedConsumer : IConsumer<MlOps.Contracts.DataArrived>, IConsumer<MlOps.Contracts.DataValidated>
    {
        public Task Consume(ConsumeContext<MlOps.Contracts.DataArrived> context) => Task.CompletedTask;
        public Task Consume(ConsumeContext<MlOps.Contracts.DataValidated> context) => Task.CompletedTask;
    }

    sealed class MisroutedDefinition() : ServiceConsumerDefinition<MisroutedConsumer>(EventTopology.ValidateBatch, 1);
}

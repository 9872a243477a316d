using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MlOps.ServiceDefaults.Outbox;

namespace MlOps.ServiceDefaults.Messaging;

/// <summary>
/// What every consumer of the platform gets: its endpoint name from <see cref="EventTopology"/>, a concurrency limit,
/// transient faults retried for <see cref="MessagingOptions.TransientRetryWindow"/>, other failures retried a few times,
/// <see cref="PermanentException"/> sent to the error queue at once, and the inbox.
/// </summary>
public abstract class ServiceConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    /// <param name="endpoint">An endpoint of <see cref="EventTopology.Subscriptions"/>, e.g. <see cref="EventTopology.ValidateBatch"/>.</param>
    protected ServiceConsumerDefinition(string endpoint, int concurrentMessageLimit)
        : this(EventTopology.For(endpoint), concurrentMessageLimit)
    {
    }

    /// <summary>For an endpoint outside the platform's table (tests).</summary>
    protected ServiceConsumerDefinition(Subscription subscription, int concurrentMessageLimit)
    {
        var consumed = ConsumedEvents(typeof(TConsumer));
        if (!consumed.ToHashSet().SetEquals(subscription.Events))
            throw new InvalidOperationException(
                $"{typeof(TConsumer).Name} consumes {string.Join(", ", consumed.Select(t => t.Name))} but its endpoint {subscription} routes "
                + $"{string.Join(", ", subscription.Events.Select(t => t.Name))}: list every event it consumes in EventTopology.");
        Subscription = subscription;
        EndpointName = subscription.Endpoint;
        ConcurrentMessageLimit = concurrentMessageLimit;
    }

    public Subscription Subscription { get; }

    /// <summary>The inbox key: handled message ids are recorded per consumer, so two consumers of one message never deduplicate each other.</summary>
    public static string InboxName => typeof(TConsumer).Name;

    public static IReadOnlyList<Type> ConsumedEvents(Type consumer) =>
        [.. consumer.GetInterfaces().Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IConsumer<>)).Select(i => i.GetGenericArguments()[0])];

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<TConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        var options = context.GetRequiredService<IOptions<MessagingOptions>>().Value;
        context.GetService<ServiceEndpoints>()?.Add(Subscription.Endpoint);

        // Outer: a bug or bad data gets a few quick attempts. Inner: an outage or a lost race is waited out.
        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Ignore<PermanentException>();
            r.Handle<Exception>(e => !TransientFaults.IsTransient(e));
            r.Exponential(options.FaultRetries, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(300));
        });
        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Handle<Exception>(TransientFaults.IsTransient);
            r.Intervals(options.TransientIntervals());
        });

        var useInbox = typeof(ServiceConsumerDefinition<TConsumer>).GetMethod(nameof(UseInbox), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
        foreach (var message in ConsumedEvents(typeof(TConsumer)))
            useInbox.MakeGenericMethod(message).Invoke(null, [consumerConfigurator]);
    }

    static void UseInbox<TMessage>(IConsumerConfigurator<TConsumer> consumer)
        where TMessage : class =>
        consumer.ConsumerMessage<TMessage>(m => m.UseFilter(new InboxFilter<TConsumer, TMessage>(InboxName)));
}

/// <summary>The receive endpoints (queues) this service consumes from, as its consumer definitions configured them.</summary>
public sealed class ServiceEndpoints
{
    readonly HashSet<string> _names = [];

    public IReadOnlyList<string> Names
    {
        get { lock (_names) return [.. _names.Order(StringComparer.Ordinal)]; }
    }

    internal void Add(string name)
    {
        lock (_names) _names.Add(name);
    }
}

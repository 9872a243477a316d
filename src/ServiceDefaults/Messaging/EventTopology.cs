using MassTransit;
using MlOps.Contracts;

namespace MlOps.ServiceDefaults.Messaging;

/// <summary>A consumer's receive endpoint (its durable queue) and the events delivered to it.</summary>
public sealed record Subscription(string Endpoint, params Type[] Events)
{
    public override string ToString() => $"{Endpoint} ({string.Join(", ", Events.Select(e => e.Name))})";
}

/// <summary>
/// The one place queue names come from: every consumer's endpoint and the events it takes. Consumer definitions take
/// their endpoint name from here (<see cref="ServiceConsumerDefinition{TConsumer}"/>), and every publisher binds these
/// queues before its first publish.
/// </summary>
/// <remarks>
/// RabbitMQ drops a message published to an exchange with no bound queue. Consumers declare their own queues when they
/// start, but an event published before its consumer's first start would be lost. Binding the subscriber queues from
/// the publishing side too (same names, same durable shape MassTransit gives a receive endpoint) means a queue always
/// exists to hold the event until its consumer comes up. A consumer that takes an event not listed for its endpoint
/// fails at start-up, and a test checks every service's consumers against this table.
/// </remarks>
public static class EventTopology
{
    public const string SubmitBatch = "submit-batch";
    public const string ValidateBatch = "validate-batch";
    public const string RecordValidationResult = "record-validation-result";
    public const string TrainOnNewData = "train-on-new-data";
    public const string RetrainOnDrift = "retrain-on-drift";
    public const string RegisterModel = "register-model";
    public const string ServeChampions = "serve-champions";
    public const string TrackServingCandidates = "track-serving-candidates";
    public const string ApplyServingPolicy = "apply-serving-policy";
    public const string RecordDriftPolicy = "record-drift-policy";
    public const string RecordReference = "record-reference";
    public const string FollowChampion = "follow-champion";
    public const string AlertTrainingFailed = "alert-training-failed";
    public const string MonitorPredictions = "monitor-predictions";
    public const string JoinFeedback = "join-feedback";

    /// <summary>Every consumer endpoint of the platform and the events it takes. A new consumer adds its line here.</summary>
    public static IReadOnlyList<Subscription> Subscriptions { get; } =
    [
        new(SubmitBatch, typeof(BatchSubmitted)),
        new(ValidateBatch, typeof(DataArrived)),
        new(RecordValidationResult, typeof(DataValidated), typeof(DataRejected)),
        new(TrainOnNewData, typeof(DatasetVersionCreated)),
        new(RetrainOnDrift, typeof(DriftDetected)),
        new(RegisterModel, typeof(ModelTrained)),
        new(ServeChampions, typeof(ModelPromoted)),
        new(TrackServingCandidates, typeof(ModelRegistered)),
        new(ApplyServingPolicy, typeof(PipelineDefined)),
        new(RecordDriftPolicy, typeof(PipelineDefined)),
        new(RecordReference, typeof(ModelTrained)),
        new(FollowChampion, typeof(ModelPromoted)),
        new(AlertTrainingFailed, typeof(TrainingFailed)),
        new(MonitorPredictions, typeof(PredictionsLogged)),
        new(JoinFeedback, typeof(FeedbackReceived)),
    ];

    public static Subscription For(string endpoint) =>
        Subscriptions.SingleOrDefault(s => s.Endpoint == endpoint)
        ?? throw new InvalidOperationException($"No endpoint '{endpoint}' in EventTopology.Subscriptions: add it with the events it consumes.");

    /// <summary>The endpoints each event is delivered to.</summary>
    public static ILookup<Type, string> Routes { get; } = Subscriptions
        .SelectMany(s => s.Events.Select(e => (Event: e, s.Endpoint)))
        .ToLookup(x => x.Event, x => x.Endpoint);

    /// <param name="quorum">Declare the queues as quorum queues (<c>Messaging:QueueType=quorum</c>), as the consumers' own declarations do.</param>
    internal static void DeclareSubscriptions(IRabbitMqBusFactoryConfigurator cfg, bool quorum = false)
    {
        var route = typeof(EventTopology).GetMethod(nameof(Route), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
        foreach (var group in Routes)
            route.MakeGenericMethod(group.Key).Invoke(null, [cfg, group.ToArray(), quorum]);
    }

    static void Route<T>(IRabbitMqBusFactoryConfigurator cfg, string[] queues, bool quorum)
        where T : class
    {
        // The queue is bound to the event's own exchange. (BindQueue(queue, queue) would only bind it to an exchange of
        // its own name, which nothing publishes to until the consumer first starts and links the two.) A consumer adds
        // its usual path later; RabbitMQ still delivers each event to the queue once.
        var eventExchange = cfg.MessageTopology.GetMessageTopology<T>().EntityName;
        cfg.Publish<T>(p =>
        {
            foreach (var queue in queues)
                p.BindQueue(eventExchange, queue, b =>
                {
                    if (quorum)
                        b.SetQuorumQueue();
                });
        });
    }
}

using MassTransit;
using MlOps.Contracts;

namespace MlOps.ServiceDefaults.Messaging;

/// <summary>
/// Which queues receive each event, declared by every publisher before its first publish.
/// </summary>
/// <remarks>
/// RabbitMQ drops a message published to an exchange with no bound queue. Consumers declare their own queues when they
/// start, but an event published before its consumer's first start would be lost. Binding the subscriber queues from
/// the publishing side too (same names, same durable shape MassTransit gives a receive endpoint) means a queue always
/// exists to hold the event until its consumer comes up. A consumer's endpoint name must match the name listed here.
/// </remarks>
public static class EventTopology
{
    public const string ValidateBatch = "validate-batch";
    public const string RecordValidationResult = "record-validation-result";
    public const string SubmitBatch = "submit-batch";
    public const string TrainOnNewData = "train-on-new-data";
    public const string RetrainOnDrift = "retrain-on-drift";
    public const string RegisterModel = "register-model";

    internal static void DeclareSubscriptions(IRabbitMqBusFactoryConfigurator cfg)
    {
        Route<BatchSubmitted>(cfg, SubmitBatch);
        Route<DataArrived>(cfg, ValidateBatch);
        Route<DataValidated>(cfg, RecordValidationResult);
        Route<DataRejected>(cfg, RecordValidationResult);
        Route<DatasetVersionCreated>(cfg, TrainOnNewData);
        Route<DriftDetected>(cfg, RetrainOnDrift);
        Route<ModelTrained>(cfg, RegisterModel);
    }

    static void Route<T>(IRabbitMqBusFactoryConfigurator cfg, params string[] queues)
        where T : class =>
        cfg.Publish<T>(p =>
        {
            foreach (var queue in queues)
                p.BindQueue(queue, queue);
        });
}

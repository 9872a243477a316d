using MlOps.ServiceDefaults.Messaging;

namespace MlOps.Validation.Consumers;

/// <summary>Validation is CPU-bound (scanning and profiling a batch): a few at once.</summary>
public sealed class ValidateBatchConsumerDefinition() : ServiceConsumerDefinition<ValidateBatchConsumer>(EventTopology.ValidateBatch, concurrentMessageLimit: 4);

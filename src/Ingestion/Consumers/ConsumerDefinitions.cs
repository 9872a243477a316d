using MlOps.ServiceDefaults.Messaging;

namespace MlOps.Ingestion.Consumers;

/// <summary>Storing and scanning a submitted batch is I/O-bound; a few at once.</summary>
public sealed class SubmitBatchConsumerDefinition() : ServiceConsumerDefinition<SubmitBatchConsumer>(EventTopology.SubmitBatch, concurrentMessageLimit: 4);

/// <summary>Short transactions; results of one dataset serialise on the dataset's version lock.</summary>
public sealed class RecordValidationResultConsumerDefinition() : ServiceConsumerDefinition<RecordValidationResultConsumer>(EventTopology.RecordValidationResult, concurrentMessageLimit: 8);

using MlOps.ServiceDefaults.Messaging;

namespace MlOps.Monitoring.Consumers;

public sealed class RecordDriftPolicyConsumerDefinition() : ServiceConsumerDefinition<RecordDriftPolicyConsumer>(EventTopology.RecordDriftPolicy, concurrentMessageLimit: 4);

public sealed class RecordReferenceConsumerDefinition() : ServiceConsumerDefinition<RecordReferenceConsumer>(EventTopology.RecordReference, concurrentMessageLimit: 4);

public sealed class FollowChampionConsumerDefinition() : ServiceConsumerDefinition<FollowChampionConsumer>(EventTopology.FollowChampion, concurrentMessageLimit: 4);

public sealed class AlertTrainingFailedConsumerDefinition() : ServiceConsumerDefinition<AlertTrainingFailedConsumer>(EventTopology.AlertTrainingFailed, concurrentMessageLimit: 4);

/// <summary>Logs of one model serialise on its row lock; a few at once keep other models moving meanwhile.</summary>
public sealed class MonitorPredictionsConsumerDefinition() : ServiceConsumerDefinition<MonitorPredictionsConsumer>(EventTopology.MonitorPredictions, concurrentMessageLimit: 8);

public sealed class JoinFeedbackConsumerDefinition() : ServiceConsumerDefinition<JoinFeedbackConsumer>(EventTopology.JoinFeedback, concurrentMessageLimit: 8);

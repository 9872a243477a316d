using MlOps.Contracts;
using MlOps.ServiceDefaults.Messaging;

namespace MlOps.Tests.Unit.Messaging;

public sealed class LogFieldsTests
{
    [Fact]
    public void A_message_s_model_version_dataset_and_correlation_id_become_log_fields()
    {
        var correlation = Guid.NewGuid();
        var messageId = Guid.NewGuid();
        var promoted = new ModelPromoted("weather", 3, 2, "sha256:ab", "gate", null, [], correlation, DateTimeOffset.UnixEpoch);
        var fields = LogFields.Of(promoted, messageId).ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("ModelPromoted", fields["MessageType"]);
        Assert.Equal(messageId, fields["MessageId"]);
        Assert.Equal("weather", fields["Model"]);
        Assert.Equal(3, fields["Version"]);
        Assert.Equal(correlation, fields["CorrelationId"]);
        Assert.False(fields.ContainsKey("Dataset"));
    }

    [Fact]
    public void A_batch_event_carries_its_dataset_and_batch()
    {
        var batch = Guid.NewGuid();
        var arrived = new DataArrived(batch, "seattle", "sha256:ab", "csv", 10, [], "http", "blob", Guid.NewGuid(), DateTimeOffset.UnixEpoch);
        var fields = LogFields.Of(arrived, null).ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("seattle", fields["Dataset"]);
        Assert.Equal(batch, fields["BatchId"]);
        Assert.False(fields.ContainsKey("Model"));
    }
}

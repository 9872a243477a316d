using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace MlOps.ServiceDefaults.Messaging;

public sealed record ErrorQueueDto(string Queue, string ErrorQueue, uint Messages);

/// <summary>
/// The <c>_error</c> queues of this service's endpoints: how many messages each holds, and moving them back to their
/// endpoint once the cause is fixed. A replayed message keeps its message id, so the inbox still stops a second effect.
/// </summary>
public sealed class ErrorQueues(RabbitMqEndpoint broker, ServiceEndpoints endpoints)
{
    public const string Suffix = "_error";

    public IReadOnlyList<string> Endpoints => endpoints.Names;

    public async Task<IReadOnlyList<ErrorQueueDto>> ListAsync(CancellationToken ct)
    {
        await using var connection = await ConnectAsync(ct);
        var list = new List<ErrorQueueDto>();
        foreach (var queue in endpoints.Names)
            list.Add(new ErrorQueueDto(queue, queue + Suffix, await DepthAsync(connection, queue + Suffix, ct)));
        return list;
    }

    /// <summary>Moves up to <paramref name="max"/> messages (no more than were waiting when it started) from the endpoint's error queue back to it.</summary>
    public async Task<int> ReplayAsync(string queue, int max, CancellationToken ct)
    {
        if (!endpoints.Names.Contains(queue))
            throw new ArgumentException($"'{queue}' is not an endpoint of this service", nameof(queue));
        await using var connection = await ConnectAsync(ct);
        var waiting = await DepthAsync(connection, queue + Suffix, ct);
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct);
        var replayed = 0;
        while (replayed < Math.Min(waiting, (uint)max))
        {
            var got = await channel.BasicGetAsync(queue + Suffix, autoAck: false, ct);
            if (got is null)
                break;
            var properties = new BasicProperties(got.BasicProperties);
            if (properties.Headers is { } headers)
                foreach (var key in headers.Keys.Where(k => k.StartsWith("MT-Fault", StringComparison.Ordinal) || k.StartsWith("MT-Reason", StringComparison.Ordinal)).ToList())
                    headers.Remove(key);
            // MassTransit binds an exchange of the queue's name to every receive endpoint's queue.
            await channel.BasicPublishAsync(queue, "", mandatory: false, properties, got.Body, ct);
            await channel.BasicAckAsync(got.DeliveryTag, multiple: false, ct);
            replayed++;
        }
        return replayed;
    }

    Task<IConnection> ConnectAsync(CancellationToken ct) => new ConnectionFactory
    {
        HostName = broker.Host,
        Port = broker.Port,
        VirtualHost = broker.VirtualHost,
        UserName = broker.Username,
        Password = broker.Password,
    }.CreateConnectionAsync("mlops-error-queues", ct);

    static async Task<uint> DepthAsync(IConnection connection, string queue, CancellationToken ct)
    {
        // A passive declare of a missing queue closes its channel: one channel per question.
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        try { return (await channel.QueueDeclarePassiveAsync(queue, ct)).MessageCount; }
        catch (OperationInterruptedException) { return 0; }
    }
}

using System.Diagnostics.Metrics;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MlOps.ServiceDefaults.Messaging;

namespace MlOps.ServiceDefaults.Outbox;

/// <summary>
/// Gives each consumer exactly-once effects over at-least-once delivery. A message whose id is already in the inbox for
/// this consumer is acknowledged (and counted) without running the consumer again. Otherwise the consumer runs, then
/// its changes, the events it queued with <c>AddEvent</c> and the inbox row are saved together.
/// </summary>
/// <remarks>
/// No transaction is open while the consumer does its slow part (reading a blob, computing). A consumer that needs row
/// locks opens a transaction itself once that part is done; this filter saves and commits it with the inbox row.
/// </remarks>
sealed class InboxFilter<TConsumer, TMessage>(string consumer) : IFilter<ConsumerConsumeContext<TConsumer, TMessage>>
    where TConsumer : class
    where TMessage : class
{
    public async Task Send(ConsumerConsumeContext<TConsumer, TMessage> context, IPipe<ConsumerConsumeContext<TConsumer, TMessage>> next)
    {
        var services = context.GetPayload<IServiceProvider>();
        var db = services.GetRequiredService<InboxDbContextAccessor>().DbContext;
        var time = services.GetRequiredService<TimeProvider>();
        var ct = context.CancellationToken;
        var messageId = context.MessageId ?? throw new PermanentException($"{typeof(TMessage).Name} arrived without a message id");
        // Every log line of this handling carries the message's model, version, dataset and correlation id as fields.
        using var scope = services.GetRequiredService<ILoggerFactory>().CreateLogger("MlOps.Messaging").BeginScope(LogFields.Of(context.Message, messageId));

        if (await db.Set<InboxMessage>().AnyAsync(x => x.MessageId == messageId && x.Consumer == consumer, ct))
        {
            InboxMetrics.Duplicates.Add(1, new KeyValuePair<string, object?>("consumer", consumer));
            services.GetRequiredService<ILogger<InboxFilter<TConsumer, TMessage>>>()
                .LogDebug("{MessageType} {MessageId} already handled by {Consumer}: acknowledged", typeof(TMessage).Name, messageId, consumer);
            return;
        }

        try
        {
            await next.Send(context);
            db.Set<InboxMessage>().Add(new InboxMessage
            {
                MessageId = messageId,
                Consumer = consumer,
                MessageType = typeof(TMessage).FullName!,
                HandledAt = time.GetUtcNow(),
            });
            await db.SaveChangesAsync(ct);
            if (db.Database.CurrentTransaction is { } tx)
                await tx.CommitAsync(ct);
        }
        catch
        {
            if (db.Database.CurrentTransaction is { } tx)
            {
                try { await tx.RollbackAsync(CancellationToken.None); }
                catch (Exception) { /* the connection is gone: the server rolled back already */ }
            }
            db.ChangeTracker.Clear();
            throw;
        }
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("inbox");
}

static class InboxMetrics
{
    static readonly Meter Meter = new("MlOps.Inbox");

    public static readonly Counter<long> Duplicates = Meter.CreateCounter<long>("mlops.inbox.duplicates",
        description: "Redelivered messages the inbox had already handled, acknowledged without a second effect");
}

/// <summary>Resolves the service's DbContext for the inbox filter without the filter knowing its type.</summary>
public sealed class InboxDbContextAccessor(DbContext dbContext)
{
    public DbContext DbContext { get; } = dbContext;
}

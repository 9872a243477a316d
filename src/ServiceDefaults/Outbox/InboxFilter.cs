using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace MlOps.ServiceDefaults.Outbox;

/// <summary>
/// Gives each consumer exactly-once effects over at-least-once delivery. The consumer's changes, the events it queues
/// with <c>AddEvent</c> and the inbox row for the message commit in one transaction; a redelivered message whose id is
/// already in the inbox for this endpoint is acknowledged without running the consumer again.
/// </summary>
/// <remarks>Consumers change the scoped DbContext and leave saving to this filter.</remarks>
public sealed class InboxFilter<T>(InboxDbContextAccessor accessor, TimeProvider time, ILogger<InboxFilter<T>> logger)
    : IFilter<ConsumeContext<T>>
    where T : class
{
    public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        var db = accessor.DbContext;
        var messageId = context.MessageId ?? throw new InvalidOperationException($"{typeof(T).Name} arrived without a message id");
        var consumer = context.ReceiveContext.InputAddress.AbsolutePath.Trim('/');

        await using var tx = await db.Database.BeginTransactionAsync(context.CancellationToken);
        try
        {
            var seen = await db.Set<InboxMessage>()
                .AnyAsync(x => x.MessageId == messageId && x.Consumer == consumer, context.CancellationToken);
            if (seen)
            {
                logger.LogInformation("Skipping {MessageType} {MessageId} on {Consumer}: already handled", typeof(T).Name, messageId, consumer);
                return;
            }

            await next.Send(context);

            db.Set<InboxMessage>().Add(new InboxMessage
            {
                MessageId = messageId,
                Consumer = consumer,
                MessageType = typeof(T).FullName!,
                HandledAt = time.GetUtcNow(),
            });
            await db.SaveChangesAsync(context.CancellationToken);
            await tx.CommitAsync(context.CancellationToken);
        }
        catch
        {
            // A retry runs on the same scope: forget the failed attempt's pending changes.
            db.ChangeTracker.Clear();
            throw;
        }

    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("inbox");
}

/// <summary>Resolves the service's DbContext for the inbox filter without the filter knowing its type.</summary>
public sealed class InboxDbContextAccessor(DbContext dbContext)
{
    public DbContext DbContext { get; } = dbContext;
}

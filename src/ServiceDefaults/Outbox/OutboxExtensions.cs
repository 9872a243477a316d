using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MlOps.Contracts;

namespace MlOps.ServiceDefaults.Outbox;

public static class OutboxExtensions
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Queues <paramref name="message"/> for publishing. It is written by the next <c>SaveChanges</c>, in the same
    /// transaction as the state change beside it, and published afterwards by the outbox dispatcher.
    /// </summary>
    public static Guid AddEvent<T>(this DbContext db, T message, Guid? correlationId = null, TimeProvider? time = null)
        where T : class
    {
        var type = typeof(T);
        if (type.Assembly != typeof(DataArrived).Assembly)
            throw new ArgumentException($"{type.FullName} is not an event of MlOps.Contracts.", nameof(message));
        // Time-ordered ids keep the unique index on message ids append-mostly.
        var id = Guid.CreateVersion7();
        db.Set<OutboxMessage>().Add(new OutboxMessage
        {
            MessageId = id,
            MessageType = type.FullName!,
            Body = JsonSerializer.Serialize(message, type, Json),
            CorrelationId = correlationId,
            TraceParent = System.Diagnostics.Activity.Current?.Id,
            CreatedAt = (time ?? TimeProvider.System).GetUtcNow(),
        });
        return id;
    }

    internal static Type? ResolveEventType(string fullName) => typeof(DataArrived).Assembly.GetType(fullName, throwOnError: false);
}

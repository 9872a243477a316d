using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using MlOps.ServiceDefaults.Outbox;

namespace MlOps.ServiceDefaults.Messaging;

public sealed record OutboxRowDto(long Id, Guid MessageId, string MessageType, int Attempts, string? LastError, DateTimeOffset CreatedAt,
    DateTimeOffset? NextAttemptAt, DateTimeOffset? FailedAt);

public sealed record OutboxRetried(int Retried);

public sealed record ErrorQueueReplayed(string Queue, int Replayed);

/// <summary>
/// Operations on a service's messaging: outbox rows set aside after their last attempt, and messages parked in the
/// service's error queues. Every one of them, reads included, needs the platform's API key (<see cref="Http.ApiKeyGate"/>).
/// </summary>
public static class MessagingAdminApi
{
    public static IEndpointRouteBuilder MapMessagingAdmin(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin").WithTags("Admin");
        admin.MapGet("/outbox", ListOutbox)
            .WithDescription("Outbox rows not sent yet: state=failed (set aside after their last attempt, the default) or pending.");
        admin.MapPost("/outbox/retry", RetryOutbox)
            .WithDescription("Failed outbox rows (one with ?id=, else all) are published again from their first attempt.");
        admin.MapGet("/error-queues", ListErrorQueues)
            .WithDescription("Each endpoint of this service with the number of messages parked in its _error queue.");
        admin.MapPost("/error-queues/{queue}/replay", ReplayErrorQueue)
            .WithDescription("Moves up to ?max= (default 1000) messages from <queue>_error back to <queue>.");
        return app;
    }

    static async Task<Results<Ok<List<OutboxRowDto>>, ProblemHttpResult>> ListOutbox(InboxDbContextAccessor db, string? state, CancellationToken ct)
    {
        var failed = (state ?? "failed") switch
        {
            "failed" => true,
            "pending" => false,
            _ => (bool?)null,
        };
        if (failed is null)
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid state", detail: $"state '{state}' is not 'failed' or 'pending'.");
        var list = await db.DbContext.Set<OutboxMessage>().AsNoTracking()
            .Where(m => m.SentAt == null && (m.FailedAt != null) == failed)
            .OrderBy(m => m.Id).Take(1000)
            .Select(m => new OutboxRowDto(m.Id, m.MessageId, m.MessageType, m.Attempts, m.LastError, m.CreatedAt, m.NextAttemptAt, m.FailedAt))
            .ToListAsync(ct);
        return TypedResults.Ok(list);
    }

    static async Task<Ok<OutboxRetried>> RetryOutbox(InboxDbContextAccessor db, OutboxSignal signal, long? id, CancellationToken ct)
    {
        var retried = await db.DbContext.Set<OutboxMessage>()
            .Where(m => m.FailedAt != null && m.SentAt == null && (id == null || m.Id == id))
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.FailedAt, (DateTimeOffset?)null)
                .SetProperty(m => m.Attempts, 0)
                .SetProperty(m => m.NextAttemptAt, (DateTimeOffset?)null), ct);
        signal.Notify();
        return TypedResults.Ok(new OutboxRetried(retried));
    }

    static async Task<Ok<IReadOnlyList<ErrorQueueDto>>> ListErrorQueues(ErrorQueues queues, CancellationToken ct) =>
        TypedResults.Ok(await queues.ListAsync(ct));

    static async Task<Results<Ok<ErrorQueueReplayed>, ProblemHttpResult>> ReplayErrorQueue(string queue, ErrorQueues queues, int? max, CancellationToken ct)
    {
        if (!queues.Endpoints.Contains(queue))
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown endpoint",
                detail: $"'{queue}' is not an endpoint of this service; its endpoints are: {string.Join(", ", queues.Endpoints)}.");
        if (max is < 1 or > 100_000)
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid max", detail: "max must be between 1 and 100000.");
        return TypedResults.Ok(new ErrorQueueReplayed(queue, await queues.ReplayAsync(queue, max ?? 1000, ct)));
    }
}

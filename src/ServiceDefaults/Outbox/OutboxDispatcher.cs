using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MlOps.ServiceDefaults.Outbox;

/// <summary>
/// Publishes committed outbox rows and marks them sent. Publishing waits for the broker's confirm, so a row is marked
/// sent only once RabbitMQ holds the event. A crash between publish and mark means the event goes out again on restart
/// with the same message id; consumers' inboxes make that second delivery a no-op.
/// </summary>
/// <remarks>
/// Order is best effort: one dispatcher publishes rows in insert order while none fails, but a row waiting out its
/// backoff or set aside after <see cref="OutboxOptions.MaxAttempts"/> lets later rows pass it, and replicas of a service
/// publish their shares in parallel. Consumers therefore tolerate reordering (version guards).
/// </remarks>
public sealed class OutboxDispatcher<TDbContext>(
    IServiceScopeFactory scopes,
    IBus bus,
    OutboxSignal signal,
    OutboxProgress progress,
    IOptions<OutboxOptions> options,
    TimeProvider time,
    ILogger<OutboxDispatcher<TDbContext>> logger) : BackgroundService
    where TDbContext : DbContext
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var opts = options.Value;
        if (!opts.DispatcherEnabled)
        {
            logger.LogWarning("Outbox dispatcher is disabled: committed events will not be published by this process");
            return;
        }

        // Return from start-up at once; the bus was started before this service (WaitUntilStarted).
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            var published = 0;
            var wait = opts.PollInterval;
            try
            {
                // One batch runs to its end even when the host is stopping: cancelling it half way would only roll back
                // the marks of events already published (they would go out again) and log a failed transaction.
                published = await DispatchBatchAsync(opts, CancellationToken.None);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Outbox dispatch failed; retrying");
                wait = opts.FirstRetryDelay;
            }

            if (published < opts.BatchSize)
            {
                try { await signal.WaitAsync(wait, stoppingToken); }
                catch (OperationCanceledException) { break; }
            }
        }
    }

    /// <summary>Publishes up to one batch of due rows; returns how many were published.</summary>
    internal async Task<int> DispatchBatchAsync(OutboxOptions opts, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = time.GetUtcNow();
        OutboxActivity.Polls.Add(1);

        // SKIP LOCKED lets several replicas of a service share one outbox without publishing a row twice at once.
        var due = await db.Set<OutboxMessage>()
            .FromSqlInterpolated($"""
                SELECT * FROM outbox_messages
                WHERE "SentAt" IS NULL AND "FailedAt" IS NULL AND ("NextAttemptAt" IS NULL OR "NextAttemptAt" <= {now})
                ORDER BY "Id" LIMIT {opts.BatchSize}
                FOR UPDATE SKIP LOCKED
                """)
            .ToListAsync(ct);

        var published = 0;
        try
        {
            foreach (var row in due)
            {
                progress.Publishing(row);
                try
                {
                    await PublishAsync(row, opts.PublishTimeout, ct);
                    row.SentAt = time.GetUtcNow();
                    row.LastError = null;
                    published++;
                    OutboxActivity.Published.Add(1);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    row.Attempts++;
                    OutboxActivity.Failures.Add(1);
                    row.LastError = ex.Message.Length > 2000 ? ex.Message[..2000] : ex.Message;
                    row.NextAttemptAt = time.GetUtcNow() + Backoff(opts, row.Attempts);
                    if (row.Attempts >= opts.MaxAttempts)
                    {
                        row.FailedAt = time.GetUtcNow();
                        OutboxActivity.FailedRows.Add(1, new KeyValuePair<string, object?>("message_type", row.MessageType));
                        logger.LogError("Publishing {MessageType} {MessageId} failed {Attempts} times; set aside until retried through POST /admin/outbox/retry: {Error}",
                            row.MessageType, row.MessageId, row.Attempts, row.LastError);
                    }
                    else
                    {
                        logger.LogWarning("Publishing {MessageType} {MessageId} failed (attempt {Attempts} of {MaxAttempts}): {Error}",
                            row.MessageType, row.MessageId, row.Attempts, opts.MaxAttempts, row.LastError);
                    }
                    // Later rows wait: events of one service go out in the order they were committed.
                    break;
                }
            }
        }
        finally
        {
            progress.Idle();
        }

        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return published;
    }

    async Task PublishAsync(OutboxMessage row, TimeSpan timeout, CancellationToken ct)
    {
        // Publishing later, from a background loop, would start a new trace; parent it on the work that committed the event.
        using var activity = OutboxActivity.Source.StartActivity($"outbox publish {row.MessageType}", System.Diagnostics.ActivityKind.Producer,
            row.TraceParent is { } parent && System.Diagnostics.ActivityContext.TryParse(parent, null, out var context) ? context : default);
        activity?.SetTag("messaging.message.id", row.MessageId.ToString());
        var type = OutboxExtensions.ResolveEventType(row.MessageType)
            ?? throw new InvalidOperationException($"Unknown event type {row.MessageType}");
        var message = JsonSerializer.Deserialize(row.Body, type, OutboxExtensions.Json)
            ?? throw new InvalidOperationException($"Outbox row {row.Id} has an empty body");
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            // WaitAsync as well as the token: a publish stuck on a confirm may not look at its token at all.
            await bus.Publish(message, type, ctx =>
            {
                ctx.MessageId = row.MessageId;
                if (row.CorrelationId is { } correlationId)
                    ctx.CorrelationId = correlationId;
            }, limit.Token).WaitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            // Whether RabbitMQ holds the event is unknown: it goes out again with the same message id, and the consumer's
            // inbox drops a second copy.
            throw new TimeoutException($"RabbitMQ did not confirm the publish within {timeout.TotalSeconds:0.#} s (Outbox:PublishTimeout)");
        }
    }

    static TimeSpan Backoff(OutboxOptions opts, int attempts)
    {
        var ms = opts.FirstRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempts - 1, 16));
        return TimeSpan.FromMilliseconds(Math.Min(ms, opts.MaxRetryDelay.TotalMilliseconds));
    }
}

static class OutboxActivity
{
    public const string Name = "MlOps.Outbox";
    public static readonly System.Diagnostics.ActivitySource Source = new(Name);
    static readonly System.Diagnostics.Metrics.Meter Meter = new(Name);
    public static readonly System.Diagnostics.Metrics.Counter<long> Polls = Meter.CreateCounter<long>("mlops.outbox.polls", description: "Outbox checks for due events");
    public static readonly System.Diagnostics.Metrics.Counter<long> Published = Meter.CreateCounter<long>("mlops.outbox.published", description: "Events published from the outbox");
    public static readonly System.Diagnostics.Metrics.Counter<long> Failures = Meter.CreateCounter<long>("mlops.outbox.publish_failures", description: "Failed publish attempts (retried)");
    public static readonly System.Diagnostics.Metrics.Counter<long> FailedRows = Meter.CreateCounter<long>("mlops.outbox.failed",
        description: "Outbox rows set aside after their last allowed attempt, waiting for POST /admin/outbox/retry");
}

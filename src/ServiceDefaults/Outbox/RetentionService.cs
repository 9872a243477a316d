using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlOps.ServiceDefaults.Blobs;

namespace MlOps.ServiceDefaults.Outbox;

public sealed record RetentionResult(int OutboxRows, int InboxRows, int UploadChunks);

/// <summary>Deletes sent outbox rows, old inbox rows and orphaned blob upload chunks once they are older than <see cref="RetentionOptions"/> allow.</summary>
public sealed class RetentionService<TDbContext>(IServiceScopeFactory scopes, IOptions<RetentionOptions> options, TimeProvider time,
    ILogger<RetentionService<TDbContext>> logger, BlobDataSource? blobs = null) : BackgroundService
    where TDbContext : DbContext
{
    static readonly Meter Meter = new("MlOps.Retention");
    static readonly Counter<long> Deleted = Meter.CreateCounter<long>("mlops.retention.deleted", description: "Rows deleted by retention, by kind");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The first clean-up waits one interval too: start-up is busy enough, and nothing is urgent here.
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await Task.Delay(options.Value.Interval, time, stoppingToken); }
            catch (OperationCanceledException) { break; }
            try { await RunOnceAsync(stoppingToken); }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Retention clean-up failed; trying again at the next interval: {Error}", ex.Message);
            }
        }
    }

    public async Task<RetentionResult> RunOnceAsync(CancellationToken ct)
    {
        var opts = options.Value;
        var now = time.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
        var sentBefore = now - opts.SentOutboxAge;
        var handledBefore = now - opts.InboxAge;
        var outbox = await db.Set<OutboxMessage>().Where(m => m.SentAt != null && m.SentAt < sentBefore).ExecuteDeleteAsync(ct);
        var inbox = await db.Set<InboxMessage>().Where(m => m.HandledAt < handledBefore).ExecuteDeleteAsync(ct);
        var chunks = blobs is null ? 0 : await PostgresBlobStore.DeleteOrphanedUploadsAsync(blobs.DataSource, now - opts.UploadAge, ct);
        Deleted.Add(outbox, new KeyValuePair<string, object?>("kind", "outbox"));
        Deleted.Add(inbox, new KeyValuePair<string, object?>("kind", "inbox"));
        Deleted.Add(chunks, new KeyValuePair<string, object?>("kind", "upload_chunks"));
        if (outbox + inbox + chunks > 0)
            logger.LogInformation("Retention deleted {Outbox} sent outbox rows, {Inbox} inbox rows and {Chunks} orphaned upload chunks", outbox, inbox, chunks);
        return new RetentionResult(outbox, inbox, chunks);
    }
}

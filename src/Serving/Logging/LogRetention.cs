using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MlOps.Serving.Data;
using MlOps.ServiceDefaults.Blobs;

namespace MlOps.Serving.Logging;

/// <summary>Deletes prediction log windows older than <see cref="ServingOptions.LogRetention"/>: the blob first, then its row.</summary>
public sealed class LogRetention(IServiceScopeFactory scopes, IBlobStore blobs, IOptions<ServingOptions> options, TimeProvider time, ILogger<LogRetention> logger)
    : BackgroundService
{
    const int Batch = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await Task.Delay(options.Value.LogRetentionInterval, time, stoppingToken); }
            catch (OperationCanceledException) { break; }
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<ServingDbContext>();
                var deleted = await DeleteExpiredAsync(db, blobs, time.GetUtcNow() - options.Value.LogRetention, stoppingToken);
                if (deleted > 0)
                    logger.LogInformation("Retention deleted {Count} prediction log window(s) older than {Retention}", deleted, options.Value.LogRetention);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Prediction log retention failed; trying again at the next interval: {Error}", e.Message);
            }
        }
    }

    /// <summary>Deletes every window whose last prediction is before <paramref name="cutoff"/>, with its blob.</summary>
    /// <remarks>A crash between the two deletes leaves a row whose blob is gone; the next pass deletes it (deleting a missing blob is a no-op).</remarks>
    public static async Task<int> DeleteExpiredAsync(ServingDbContext db, IBlobStore blobs, DateTimeOffset cutoff, CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            var expired = await db.PredictionWindows.AsNoTracking().Where(w => w.WindowEnd < cutoff).OrderBy(w => w.WindowEnd)
                .Select(w => new { w.Id, w.BlobRef }).Take(Batch).ToListAsync(ct);
            foreach (var window in expired)
                await blobs.DeleteAsync(window.BlobRef, ct);
            var ids = expired.Select(w => w.Id).ToList();
            total += await db.PredictionWindows.Where(w => ids.Contains(w.Id)).ExecuteDeleteAsync(ct);
            ServingTelemetry.LogsDeleted.Add(expired.Count);
            if (expired.Count < Batch)
                return total;
        }
    }
}

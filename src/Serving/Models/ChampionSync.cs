using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MlOps.Serving.Data;

namespace MlOps.Serving.Models;

/// <summary>
/// Loads every model's champion from servingdb before the service takes requests (a restart serves at once), then
/// compares the served state with servingdb every <see cref="ServingOptions.ChampionSyncInterval"/>: an artifact that
/// failed to load is retried, and a replica that did not receive a promotion (replicas share the consumer queue) catches up.
/// </summary>
public sealed class ChampionSync(IServiceScopeFactory scopes, ServedModels models, IOptions<ServingOptions> options, TimeProvider time, ILogger<ChampionSync> logger)
    : BackgroundService
{
    public override async Task StartAsync(CancellationToken ct)
    {
        // Hosted services start before the web server: requests arrive only once the champions are in memory.
        try
        {
            var loaded = await SyncOnceAsync(ct);
            logger.LogInformation("Loaded {Count} champion(s) from servingdb", loaded);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("Champions could not be loaded at start-up; retrying every {Interval}: {Error}", options.Value.ChampionSyncInterval, e.Message);
        }
        await base.StartAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await Task.Delay(options.Value.ChampionSyncInterval, time, stoppingToken); }
            catch (OperationCanceledException) { break; }
            try { await SyncOnceAsync(stoppingToken); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Champion sync failed; trying again in {Interval}: {Error}", options.Value.ChampionSyncInterval, e.Message);
            }
        }
    }

    /// <returns>How many models have a champion served after the pass.</returns>
    public async Task<int> SyncOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ServingDbContext>();
        var rows = await db.Models.AsNoTracking().ToListAsync(ct);
        foreach (var row in rows)
            await models.ApplyAsync(row, ct);
        return models.All.Count(s => s.Champion is not null);
    }
}

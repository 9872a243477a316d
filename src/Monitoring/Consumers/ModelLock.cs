using Microsoft.EntityFrameworkCore;
using MlOps.Monitoring.Data;

namespace MlOps.Monitoring.Consumers;

/// <summary>
/// Serialises every change to one model's state (policy, champion, the window being filled) on its row: the first
/// event for a model creates the row, then each consumer locks it in a transaction the inbox commits.
/// </summary>
static class ModelLock
{
    public static async Task<MonitoredModel> AcquireAsync(MonitoringDbContext db, string name, DateTimeOffset now, CancellationToken ct)
    {
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO models ("Name", "WindowRows", "KsPValue", "Psi", "DriftShare", "CooldownSeconds", "OpenWindow", "OpenRows", "CreatedAt", "UpdatedAt")
            VALUES ({name}, {DriftDefaults.WindowRows}, {DriftDefaults.KsPValue}, {DriftDefaults.Psi}, {DriftDefaults.DriftShare}, 0, 1, 0, {now}, {now})
            ON CONFLICT ("Name") DO NOTHING
            """, ct);
        if (db.Database.CurrentTransaction is null)
            await db.Database.BeginTransactionAsync(ct);
        var locked = await db.Models.FromSqlInterpolated($"""SELECT * FROM models WHERE "Name" = {name} FOR UPDATE""").ToListAsync(ct);
        return locked.Single();
    }
}

using Microsoft.EntityFrameworkCore;
using MlOps.Serving.Data;

namespace MlOps.Serving.Consumers;

static class ModelRows
{
    /// <summary>
    /// The model's row, created if new, locked until the inbox commits: events about one model apply one at a time, each
    /// seeing what the previous one wrote.
    /// </summary>
    public static async Task<ServedModel> LockAsync(ServingDbContext db, string model, DateTimeOffset now, CancellationToken ct)
    {
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"""INSERT INTO models ("Name", "ShadowShare", "UpdatedAt") VALUES ({model}, 0, {now}) ON CONFLICT ("Name") DO NOTHING""", ct);
        if (db.Database.CurrentTransaction is null)
            await db.Database.BeginTransactionAsync(ct);
        var locked = await db.Models.FromSqlInterpolated($"""SELECT * FROM models WHERE "Name" = {model} FOR UPDATE""").ToListAsync(ct);
        return locked.Single();
    }
}

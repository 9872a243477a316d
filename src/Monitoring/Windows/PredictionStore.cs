using Microsoft.EntityFrameworkCore;
using MlOps.Monitoring.Data;
using Npgsql;
using NpgsqlTypes;

namespace MlOps.Monitoring.Windows;

/// <summary>
/// Keeps each served prediction (id → version, window, prediction) and each label, whichever arrives first, in one row
/// per prediction id, written in bulk.
/// </summary>
public sealed class PredictionStore(MonitoringDbContext db)
{
    public async Task SaveAsync(string model, int version, bool shadow, IReadOnlyList<LoggedPrediction> rows, int skip, int take, int? window, CancellationToken ct)
    {
        if (take == 0) return;
        var ids = new Guid[take];
        var predictions = new string?[take];
        var ats = new DateTime[take];
        for (var i = 0; i < take; i++)
        {
            var r = rows[skip + i];
            ids[i] = r.Id;
            predictions[i] = r.Prediction;
            ats[i] = r.At.UtcDateTime;
        }
        // A shadow prediction never replaces the champion's under the same id; a label already there is kept.
        await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO predictions ("Id", "Model", "Version", "Window", "Shadow", "Prediction", "PredictedAt")
            SELECT i, @model, @version, @window, @shadow, p, a FROM unnest(@ids, @predictions, @ats) AS t(i, p, a)
            ON CONFLICT ("Id") DO UPDATE SET "Model" = excluded."Model", "Version" = excluded."Version", "Window" = excluded."Window",
                "Shadow" = excluded."Shadow", "Prediction" = excluded."Prediction", "PredictedAt" = excluded."PredictedAt"
            WHERE predictions."Version" IS NULL OR NOT excluded."Shadow"
            """,
            [
                new NpgsqlParameter("model", model), new NpgsqlParameter("version", version),
                new NpgsqlParameter("window", NpgsqlDbType.Integer) { Value = (object?)window ?? DBNull.Value },
                new NpgsqlParameter("shadow", shadow),
                new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = ids },
                new NpgsqlParameter("predictions", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = predictions },
                new NpgsqlParameter("ats", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = ats },
            ], ct);
    }

    /// <summary>Labels by prediction id; returns the windows whose labelled predictions changed.</summary>
    public async Task<List<int>> LabelAsync(string model, IReadOnlyList<(Guid Id, string Label)> items, DateTimeOffset at, CancellationToken ct)
    {
        var ids = items.Select(i => i.Id).ToArray();
        var labels = items.Select(i => i.Label).ToArray();
        await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO predictions ("Id", "Model", "Shadow", "Label", "LabelledAt")
            SELECT i, @model, false, l, @at FROM unnest(@ids, @labels) AS t(i, l)
            ON CONFLICT ("Id") DO UPDATE SET "Label" = excluded."Label", "LabelledAt" = excluded."LabelledAt"
            """,
            [
                new NpgsqlParameter("model", model), new NpgsqlParameter("at", at.UtcDateTime),
                new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = ids },
                new NpgsqlParameter("labels", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = labels },
            ], ct);
        return await db.Predictions.AsNoTracking().Where(p => p.Model == model && ids.Contains(p.Id) && p.Window != null)
            .Select(p => p.Window!.Value).Distinct().ToListAsync(ct);
    }
}

using MassTransit;
using Microsoft.EntityFrameworkCore;
using MlOps.Contracts;
using MlOps.Monitoring.Data;
using MlOps.Monitoring.Windows;
using MlOps.ServiceDefaults;
using MlOps.ServiceDefaults.Blobs;
using MlOps.ServiceDefaults.Messaging;

namespace MlOps.Monitoring.Consumers;

/// <summary>
/// Adds a logged window of champion predictions to the model's drift windows (fixed row counts, across event
/// boundaries), judging each window it fills; keeps every prediction for the feedback join. Shadow and stale windows are
/// recorded, not judged.
/// </summary>
/// <remarks>
/// The blob is read before any lock. Then the model's row is locked, so concurrent logs of one model queue up and every
/// row lands in exactly one window; the inbox commits the window state, the verdicts and the events together.
/// </remarks>
public sealed class MonitorPredictionsConsumer(MonitoringDbContext db, IBlobStore blobs, WindowCloser closer, PredictionStore store, TimeProvider time,
    ILogger<MonitorPredictionsConsumer> logger) : IConsumer<PredictionsLogged>
{
    public async Task Consume(ConsumeContext<PredictionsLogged> context)
    {
        var e = context.Message;
        var ct = context.CancellationToken;
        if (!Names.IsValid(e.Model))
            throw new PermanentException($"PredictionsLogged names an invalid model '{e.Model}': {Names.Rule}");
        var rows = await ReadAsync(e.BlobRef, ct);

        var now = time.GetUtcNow();
        var model = await ModelLock.AcquireAsync(db, e.Model, now, ct);
        if (await db.Logs.AnyAsync(l => l.Model == e.Model && l.BlobRef == e.BlobRef, ct))
        {
            logger.LogInformation("{Model}: prediction log {Blob} was already counted", e.Model, e.BlobRef);
            return;
        }
        var status = Status(model, e);
        db.Logs.Add(new PredictionLog
        {
            Model = e.Model, Version = e.Version, Shadow = e.Shadow, BlobRef = e.BlobRef, Count = rows.Count,
            WindowStart = e.WindowStart, WindowEnd = e.WindowEnd, Status = status, ReceivedAt = now,
        });
        MonitoringTelemetry.RowsWindowed.Add(rows.Count, new("model", e.Model), new("status", status));
        if (status != "windowed")
        {
            await store.SaveAsync(e.Model, e.Version, e.Shadow, rows, 0, rows.Count, null, ct);
            logger.LogInformation("{Model}: {Rows} {Status} predictions of v{Version} recorded (champion v{Champion})", e.Model, rows.Count, status, e.Version, model.ChampionVersion);
            return;
        }

        foreach (var piece in WindowPlan.Split(model.OpenRows, model.WindowRows, rows.Count))
        {
            var window = model.OpenWindow;
            var slice = rows.GetRange(piece.Skip, piece.Take);
            await store.SaveAsync(e.Model, e.Version, false, rows, piece.Skip, piece.Take, window, ct);
            Extend(model, slice, e);
            if (!piece.Closes)
            {
                db.Segments.Add(new WindowSegment { Model = e.Model, Window = window, Version = e.Version, BlobRef = e.BlobRef, Skip = piece.Skip, Take = piece.Take });
                model.OpenRows += piece.Take;
                continue;
            }
            var windowRows = await EarlierRowsAsync(e.Model, window, ct);
            windowRows.AddRange(slice);
            await closer.CloseAsync(model, window, windowRows, model.OpenStart ?? e.WindowStart, model.OpenEnd ?? e.WindowEnd, e.CorrelationId, ct);
            await db.Segments.Where(s => s.Model == e.Model && s.Window == window).ExecuteDeleteAsync(ct);
            model.OpenWindow++;
            model.OpenRows = 0;
            model.OpenStart = model.OpenEnd = null;
        }
        model.UpdatedAt = now;
    }

    /// <summary>windowed (the champion's), shadow, or stale (an earlier champion's); a version newer than the known champion waits for its promotion.</summary>
    static string Status(MonitoredModel model, PredictionsLogged e)
    {
        if (e.Shadow) return "shadow";
        if (model.ChampionVersion is not { } champion)
            throw new ConflictException($"Predictions of {e.Model} v{e.Version} arrived before any promotion of {e.Model}: waiting for its ModelPromoted.");
        if (e.Version == champion) return "windowed";
        if (e.Version < champion || (model.PromotedAt is { } promoted && e.WindowStart < promoted)) return "stale";
        throw new ConflictException($"Predictions of {e.Model} v{e.Version} arrived before its promotion (champion v{champion}): waiting for its ModelPromoted.");
    }

    static void Extend(MonitoredModel model, List<LoggedPrediction> rows, PredictionsLogged e)
    {
        foreach (var r in rows)
        {
            var at = r.At == default ? e.WindowEnd : r.At;
            if (model.OpenStart is null || at < model.OpenStart) model.OpenStart = at;
            if (model.OpenEnd is null || at > model.OpenEnd) model.OpenEnd = at;
        }
    }

    async Task<List<LoggedPrediction>> EarlierRowsAsync(string model, int window, CancellationToken ct)
    {
        var segments = await db.Segments.AsNoTracking().Where(s => s.Model == model && s.Window == window).OrderBy(s => s.Id).ToListAsync(ct);
        var result = new List<LoggedPrediction>();
        var cache = new Dictionary<string, List<LoggedPrediction>>(StringComparer.Ordinal);
        foreach (var s in segments)
        {
            if (!cache.TryGetValue(s.BlobRef, out var rows)) cache[s.BlobRef] = rows = await ReadAsync(s.BlobRef, ct);
            result.AddRange(rows.Skip(s.Skip).Take(s.Take));
        }
        return result;
    }

    async Task<List<LoggedPrediction>> ReadAsync(string blobRef, CancellationToken ct)
    {
        try
        {
            await using var stream = await blobs.OpenReadAsync(blobRef, ct);
            return LoggedPrediction.ReadAll(stream);
        }
        catch (BlobNotFoundException) { throw new PermanentException($"Prediction log {blobRef} is not in the blob store."); }
        catch (InvalidDataException x) { throw new PermanentException($"Prediction log {blobRef} is malformed: {x.Message}"); }
    }
}

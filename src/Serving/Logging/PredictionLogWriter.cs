using Microsoft.Extensions.Options;
using MlOps.Contracts;
using MlOps.Serving.Data;
using MlOps.ServiceDefaults.Blobs;
using MlOps.ServiceDefaults.Outbox;

namespace MlOps.Serving.Logging;

/// <summary>
/// Writes the prediction log off the request path: reads the queue, groups predictions into windows, and writes each
/// closed window to the blob store, then records it in servingdb with its <c>PredictionsLogged</c> in one transaction
/// (outbox). A failed write is retried while the queue absorbs new predictions. On a clean stop every open window is
/// written before the process exits.
/// </summary>
public sealed class PredictionLogWriter(
    PredictionLogQueue queue,
    IServiceScopeFactory scopes,
    IBlobStore blobs,
    IOptions<ServingOptions> options,
    TimeProvider time,
    ILogger<PredictionLogWriter> logger) : BackgroundService
{
    /// <summary>How long a stopping service keeps retrying a window it cannot write.</summary>
    static readonly TimeSpan ShutdownPatience = TimeSpan.FromSeconds(10);

    /// <summary>
    /// While windows are open the writer wakes this often and takes everything queued, rather than waking for each
    /// request: under load that is one wake-up per interval instead of thousands a second.
    /// </summary>
    static readonly TimeSpan PollQuantum = TimeSpan.FromMilliseconds(50);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var opts = options.Value;
        var windows = new LogWindows(opts.LogWindowRows, opts.LogWindowAge);
        var closed = new List<ClosedWindow>();
        var reader = queue.Reader;
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!reader.TryPeek(out _))
                    await WaitForPredictionsAsync(windows.NextDue, stoppingToken);
            }
            catch (OperationCanceledException) { break; }

            // Read a bounded amount per pass so due windows are closed on time under a steady stream.
            for (var n = 0; n < 100_000 && closed.Count < 16 && reader.TryRead(out var predictions); n++)
                windows.Add(predictions, closed);
            windows.CloseDue(time.GetUtcNow(), closed);
            foreach (var window in closed)
                await WriteAsync(window, retryUntil: null, stoppingToken);
            closed.Clear();
        }

        // Stopping: the web server has finished its requests; log everything still queued or open.
        queue.Complete();
        while (reader.TryRead(out var rest))
            windows.Add(rest, closed);
        windows.CloseAll(closed);
        var deadline = time.GetUtcNow() + ShutdownPatience;
        foreach (var window in closed)
            await WriteAsync(window, deadline, CancellationToken.None);
        if (closed.Count > 0)
            logger.LogInformation("Wrote {Windows} prediction log window(s) on shutdown", closed.Count);
    }

    async Task WaitForPredictionsAsync(DateTimeOffset? nextDue, CancellationToken ct)
    {
        if (nextDue is not { } due)
        {
            // Idle: nothing to close until the next prediction arrives.
            await queue.Reader.WaitToReadAsync(ct);
            return;
        }
        var wait = due - time.GetUtcNow();
        if (wait > TimeSpan.Zero)
            await Task.Delay(wait < PollQuantum ? wait : PollQuantum, time, ct);
    }

    /// <summary>Writes one window, retrying with backoff; with <paramref name="retryUntil"/>, gives up then and says how much was lost.</summary>
    async Task WriteAsync(ClosedWindow window, DateTimeOffset? retryUntil, CancellationToken ct)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await PersistAsync(window, ct);
                return;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Stopping while waiting out a failure: try once more without a token, then give up loudly.
                retryUntil = time.GetUtcNow() + ShutdownPatience;
                ct = CancellationToken.None;
            }
            catch (Exception e)
            {
                if (retryUntil is { } until && time.GetUtcNow() >= until)
                {
                    logger.LogError("Prediction log window of {Model} v{Version} ({Count} predictions, {Start:O}–{End:O}) could not be written before shutdown and is lost: {Error}",
                        window.Key.Model, window.Key.Version, window.Count, window.Start, window.End, e.Message);
                    return;
                }
                logger.LogWarning("Writing a prediction log window of {Model} v{Version} ({Count} predictions) failed (attempt {Attempt}); retrying in {Delay}: {Error}",
                    window.Key.Model, window.Key.Version, window.Count, attempt, delay, e.Message);
                try { await Task.Delay(delay, time, ct); }
                catch (OperationCanceledException) { ct = CancellationToken.None; retryUntil ??= time.GetUtcNow() + ShutdownPatience; }
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(15).Ticks));
            }
        }
    }

    async Task PersistAsync(ClosedWindow window, CancellationToken ct)
    {
        using var activity = ServingTelemetry.Source.StartActivity("write prediction log");
        activity?.SetTag("mlops.model", window.Key.Model);
        activity?.SetTag("mlops.version", window.Key.Version);
        activity?.SetTag("mlops.predictions", window.Count);
        using var content = new MemoryStream(window.Ndjson, writable: false);
        var blob = await blobs.PutAsync(content, ct);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ServingDbContext>();
        var id = Guid.CreateVersion7();
        var now = time.GetUtcNow();
        db.PredictionWindows.Add(new PredictionWindow
        {
            Id = id,
            Model = window.Key.Model,
            Version = window.Key.Version,
            Shadow = window.Key.Shadow,
            WindowStart = window.Start,
            WindowEnd = window.End,
            Count = window.Count,
            BlobRef = blob.Key,
            CreatedAt = now,
        });
        db.AddEvent(new PredictionsLogged(window.Key.Model, window.Key.Version, window.Start, window.End, window.Count, blob.Key, id, now, window.Key.Shadow), id, time);
        await db.SaveChangesAsync(ct);
        ServingTelemetry.LogWindows.Add(1, new("model", window.Key.Model), new("version", window.Key.Version), new("shadow", window.Key.Shadow));
    }
}

using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MlOps.Monitoring.Data;

namespace MlOps.Monitoring.Alerts;

/// <summary>
/// Delivers queued alerts to their webhooks, off the consumers' path: claims due rows (SKIP LOCKED, so several instances
/// share the work), POSTs each, and on failure retries later with exponential backoff until the configured attempts are
/// spent, when the row is marked failed and an error is logged.
/// </summary>
public sealed class AlertSender(IServiceScopeFactory scopes, IOptions<MonitoringOptions> options, TimeProvider time, ILogger<AlertSender> logger) : BackgroundService
{
    const int Batch = 20;
    readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }) { Timeout = Timeout.InfiniteTimeSpan };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value.Alerts;
        while (!stoppingToken.IsCancellationRequested)
        {
            var sent = 0;
            try { sent = await SendDueAsync(o, stoppingToken); }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e) { logger.LogWarning(e, "Alert delivery round failed; trying again shortly"); }
            if (sent < Batch)
            {
                try { await Task.Delay(o.PollInterval, time, stoppingToken); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    async Task<int> SendDueAsync(AlertOptions o, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MonitoringDbContext>();
        var now = time.GetUtcNow();
        List<PendingAlert> due;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            due = await db.Alerts.FromSqlInterpolated($"""
                SELECT * FROM alerts WHERE "Status" = {AlertStatus.Pending} AND "NextAttemptAt" <= {now}
                ORDER BY "Id" LIMIT {Batch} FOR UPDATE SKIP LOCKED
                """).ToListAsync(ct);
            // A lease: another instance leaves these alone while this one delivers them.
            foreach (var alert in due) alert.NextAttemptAt = now + o.Timeout + TimeSpan.FromSeconds(30);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        foreach (var alert in due)
        {
            var error = await PostAsync(alert, o.Timeout, ct);
            var at = time.GetUtcNow();
            alert.Attempts++;
            if (error is null)
            {
                alert.Status = AlertStatus.Sent;
                alert.SentAt = at;
                alert.LastError = null;
                MonitoringTelemetry.AlertsSent.Add(1, new KeyValuePair<string, object?>("event", alert.Event));
                logger.LogInformation("Alert {Event} of {Model} delivered to {Url} (attempt {Attempt})", alert.Event, alert.Model, alert.Url, alert.Attempts);
            }
            else
            {
                alert.LastError = error;
                MonitoringTelemetry.AlertFailures.Add(1, new KeyValuePair<string, object?>("event", alert.Event));
                if (alert.Attempts >= o.MaxAttempts)
                {
                    alert.Status = AlertStatus.Failed;
                    MonitoringTelemetry.AlertsAbandoned.Add(1, new KeyValuePair<string, object?>("event", alert.Event));
                    logger.LogError("Alert {Event} of {Model} to {Url} failed {Attempts} times, giving up: {Error}", alert.Event, alert.Model, alert.Url, alert.Attempts, error);
                }
                else
                {
                    alert.NextAttemptAt = at + o.Backoff(alert.Attempts);
                    logger.LogWarning("Alert {Event} of {Model} to {Url} failed (attempt {Attempt} of {Max}): {Error}; next try at {Next}",
                        alert.Event, alert.Model, alert.Url, alert.Attempts, o.MaxAttempts, error, alert.NextAttemptAt);
                }
            }
            await db.SaveChangesAsync(ct);
        }
        return due.Count;
    }

    async Task<string?> PostAsync(PendingAlert alert, TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            using var content = new StringContent(alert.Body, Encoding.UTF8, "application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, alert.Url) { Content = content };
            request.Headers.Add("X-MlOps-Event", alert.Event);
            request.Headers.Add("X-MlOps-Alert-Id", alert.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using var response = await _http.SendAsync(request, cts.Token);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested) { return $"no answer within {timeout.TotalSeconds:0.#} s"; }
        catch (HttpRequestException e) { return e.Message; }
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }
}

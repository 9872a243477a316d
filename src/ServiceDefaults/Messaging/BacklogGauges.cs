using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlOps.ServiceDefaults.Outbox;

namespace MlOps.ServiceDefaults.Messaging;

/// <summary>
/// What is waiting in this service, as gauges the dashboard charts: messages parked in each endpoint's error queue,
/// events committed but not yet published, and events set aside after their last attempt. The broker and the
/// database are asked every <see cref="MessagingOptions.GaugeInterval"/>; the gauges report the latest answer.
/// </summary>
public sealed class BacklogGauges<TDbContext>(ErrorQueues errorQueues, IServiceScopeFactory scopes, IOptions<MessagingOptions> options,
    ILogger<BacklogGauges<TDbContext>> logger) : BackgroundService
    where TDbContext : DbContext
{
    public const string MeterName = "MlOps.Backlog";
    readonly Meter _meter = new(MeterName);

    volatile IReadOnlyList<ErrorQueueDto> _errorQueues = [];
    long _outboxPending = -1;
    long _outboxFailed = -1;

    public override Task StartAsync(CancellationToken ct)
    {
        _meter.CreateObservableGauge("mlops.messaging.error_queue.depth",
            () => _errorQueues.Select(q => new Measurement<long>(q.Messages,
                new KeyValuePair<string, object?>("messaging.destination.name", q.Queue))),
            "{message}", "Messages parked in an endpoint's error queue, waiting for POST /admin/error-queues/{queue}/replay");
        _meter.CreateObservableGauge("mlops.outbox.backlog",
            () => Interlocked.Read(ref _outboxPending) is var v and >= 0 ? [new Measurement<long>(v)] : Array.Empty<Measurement<long>>(),
            "{event}", "Events committed and not yet published");
        _meter.CreateObservableGauge("mlops.outbox.failed_rows",
            () => Interlocked.Read(ref _outboxFailed) is var v and >= 0 ? [new Measurement<long>(v)] : Array.Empty<Measurement<long>>(),
            "{event}", "Events set aside after their last allowed attempt, waiting for POST /admin/outbox/retry");
        return base.StartAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.GaugeInterval);
        do
        {
            try
            {
                _errorQueues = await errorQueues.ListAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogDebug(e, "Error-queue depths are unknown while the broker cannot be asked");
            }
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var outbox = scope.ServiceProvider.GetRequiredService<TDbContext>().Set<OutboxMessage>();
                Interlocked.Exchange(ref _outboxPending, await outbox.LongCountAsync(m => m.SentAt == null && m.FailedAt == null, stoppingToken));
                Interlocked.Exchange(ref _outboxFailed, await outbox.LongCountAsync(m => m.SentAt == null && m.FailedAt != null, stoppingToken));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogDebug(e, "The outbox backlog is unknown while the database cannot be asked");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public override void Dispose()
    {
        _meter.Dispose();
        base.Dispose();
    }
}

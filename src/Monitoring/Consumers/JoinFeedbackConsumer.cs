using System.Diagnostics;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using MlOps.Contracts;
using MlOps.Monitoring.Data;
using MlOps.Monitoring.Windows;
using MlOps.ServiceDefaults;
using MlOps.ServiceDefaults.Messaging;

namespace MlOps.Monitoring.Consumers;

/// <summary>Joins ground-truth labels to the predictions they name and reports the affected windows' accuracy or RMSE.</summary>
public sealed class JoinFeedbackConsumer(MonitoringDbContext db, PredictionStore store, ILogger<JoinFeedbackConsumer> logger) : IConsumer<FeedbackReceived>
{
    public async Task Consume(ConsumeContext<FeedbackReceived> context)
    {
        var f = context.Message;
        var ct = context.CancellationToken;
        if (!Names.IsValid(f.Model))
            throw new PermanentException($"FeedbackReceived names an invalid model '{f.Model}': {Names.Rule}");
        // The last label given for an id wins.
        var items = f.Items.Where(i => i.Label is not null).GroupBy(i => i.PredictionId).Select(g => (g.Key, g.Last().Label)).ToList();
        if (items.Count == 0) return;
        var windows = await store.LabelAsync(f.Model, items, f.OccurredAt, ct);
        var task = await db.Models.AsNoTracking().Where(m => m.Name == f.Model).Select(m => m.Task).SingleOrDefaultAsync(ct);
        var metric = Performance.MetricFor(task);
        foreach (var w in await Performance.ForWindowsAsync(db, f.Model, metric, windows, ct))
            if (w.Value is { } value)
                MonitoringTelemetry.Performance.Record(value, new TagList { { "model", f.Model }, { "metric", metric } });
        logger.LogInformation("{Model}: {Count} labels joined (windows {Windows})", f.Model, items.Count, string.Join(", ", windows.Order()));
    }
}

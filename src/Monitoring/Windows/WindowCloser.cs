using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MlOps.Contracts;
using MlOps.Learning.Profiling;
using MlOps.Monitoring.Alerts;
using MlOps.Monitoring.Data;
using MlOps.ServiceDefaults.Outbox;

namespace MlOps.Monitoring.Windows;

/// <summary>
/// Judges a full window against the champion's reference, records the verdict, and — debounced — publishes
/// <c>DriftDetected</c> through the outbox (and queues its alert) in the caller's transaction, under the model's lock.
/// </summary>
public sealed class WindowCloser(MonitoringDbContext db, IOptions<MonitoringOptions> options, TimeProvider time, ILogger<WindowCloser> logger)
{
    public async Task<DriftWindow> CloseAsync(MonitoredModel model, int window, IReadOnlyList<LoggedPrediction> rows, DateTimeOffset start, DateTimeOffset end,
        Guid correlationId, CancellationToken ct)
    {
        // A child of the consume span, which continues the trace of the PredictionsLogged that filled the window: the
        // DriftDetected written below carries this span as its parent.
        using var activity = MonitoringTelemetry.Source.StartActivity("evaluate drift window");
        activity?.SetTag("mlops.model", model.Name);
        activity?.SetTag("mlops.version", model.ChampionVersion);
        activity?.SetTag("mlops.window", window);
        activity?.SetTag("mlops.rows", rows.Count);

        var reference = await db.References.AsNoTracking()
            .SingleOrDefaultAsync(r => r.Model == model.Name && r.ArtifactHash == model.ChampionArtifactHash, ct);
        var features = reference?.Features ?? model.ChampionProfile ?? [];
        var thresholds = new DriftThresholds(PValue: model.KsPValue, Psi: model.Psi);
        var verdict = WindowEvaluator.Evaluate(features, reference?.TargetReference, rows, thresholds, model.DriftShare,
            string.Equals(options.Value.DriftTest, "psi", StringComparison.OrdinalIgnoreCase));

        var now = time.GetUtcNow();
        var metric = Performance.MetricFor(model.Task ?? reference?.Task);
        double? holdout = reference is not null && reference.Metrics.TryGetValue(metric, out var h) ? h : null;
        var performance = (await Performance.ForWindowsAsync(db, model.Name, metric, [window], ct)).SingleOrDefault();
        var outcome = DriftDecision.Outcome(verdict.DatasetDrift, model.LastDriftAt, model.CooldownSeconds, now);
        var record = new DriftWindow
        {
            Model = model.Name,
            Window = window,
            Version = model.ChampionVersion ?? 0,
            Rows = rows.Count,
            WindowStart = start,
            WindowEnd = end,
            DriftShare = verdict.DriftShare,
            DriftDetected = verdict.DatasetDrift,
            Outcome = outcome,
            Features = [.. verdict.Features],
            Prediction = verdict.Prediction,
            Metric = metric,
            HoldoutScore = holdout,
            EvaluatedAt = now,
        };
        db.Windows.Add(record);
        Record(model, record, metric, performance?.Value);

        if (outcome == DriftDecision.Published)
        {
            var fd = verdict.Features.Append(verdict.Prediction).OfType<FeatureVerdict>()
                .Select(v => new FeatureDrift(v.Feature, v.Test, v.Score, v.Threshold, v.Drifted)).ToList();
            var drift = new DriftDetected(model.Name, record.Version, start, end, rows.Count, fd, verdict.DriftShare,
                Performance.Drop(metric, performance?.Value, holdout), correlationId, now);
            db.AddEvent(drift, correlationId, time);
            AlertQueue.Enqueue(db, model, drift, now, now, logger);
            model.LastDriftAt = now;
        }
        activity?.SetTag("mlops.drift_share", verdict.DriftShare);
        activity?.SetTag("mlops.drift_outcome", outcome ?? "none");
        logger.LogInformation("{Model} v{Version} window {Window} ({Rows} rows): {Drifted} of {Features} features drifted (share {Share:0.00}, threshold {Threshold}){Outcome}",
            model.Name, record.Version, window, rows.Count, verdict.Features.Count(f => f.Drifted), verdict.Features.Count, verdict.DriftShare, model.DriftShare,
            outcome switch { DriftDecision.Published => ": DriftDetected", DriftDecision.Cooldown => ": drift, within the retrain cooldown (no event)", _ => "" });
        return record;
    }

    static void Record(MonitoredModel model, DriftWindow window, string metric, double? performance)
    {
        var tags = new TagList { { "model", model.Name } };
        MonitoringTelemetry.WindowsEvaluated.Add(1, tags);
        MonitoringTelemetry.DriftShare.Record(window.DriftShare, tags);
        foreach (var f in window.Features.Append(window.Prediction).OfType<FeatureVerdict>())
            MonitoringTelemetry.FeatureScore.Record(f.Score, new TagList { { "model", model.Name }, { "feature", f.Feature }, { "test", f.Test } });
        if (window.Outcome is { } outcome)
            MonitoringTelemetry.DriftDetected.Add(1, new TagList { { "model", model.Name }, { "outcome", outcome } });
        if (performance is { } p)
            MonitoringTelemetry.Performance.Record(p, new TagList { { "model", model.Name }, { "metric", metric } });
    }
}

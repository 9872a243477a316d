using System.Globalization;
using Microsoft.EntityFrameworkCore;
using MlOps.Monitoring.Data;

namespace MlOps.Monitoring.Windows;

/// <summary>A window's score over its labelled predictions.</summary>
public sealed record WindowPerformance(int Window, int? Version, long Predictions, long Labelled, double? Value);

/// <summary>Accuracy (classification) or RMSE (regression) of each window's predictions that have feedback.</summary>
public static class Performance
{
    public static string MetricFor(string? task) => task == "regression" ? "rmse" : "accuracy";

    public static bool HigherIsBetter(string metric) => metric != "rmse";

    /// <summary>The change from the holdout score, when the window did worse (lower accuracy, higher RMSE); else null.</summary>
    public static double? Drop(string metric, double? value, double? holdout)
    {
        if (value is not { } v || holdout is not { } h) return null;
        var change = v - h;
        return HigherIsBetter(metric) ? (change < 0 ? change : null) : (change > 0 ? change : null);
    }

    public static async Task<List<WindowPerformance>> ForWindowsAsync(MonitoringDbContext db, string model, string metric, IReadOnlyCollection<int>? windows, CancellationToken ct)
    {
        var query = db.Predictions.AsNoTracking().Where(p => p.Model == model && p.Window != null && p.Version != null);
        if (windows is not null) query = query.Where(p => windows.Contains(p.Window!.Value));
        var counts = await query.GroupBy(p => new { Window = p.Window!.Value, p.Version })
            .Select(g => new { g.Key.Window, g.Key.Version, Count = g.LongCount() }).ToListAsync(ct);
        var labelled = await query.Where(p => p.Label != null).Select(p => new { Window = p.Window!.Value, p.Prediction, p.Label }).ToListAsync(ct);
        var byWindow = labelled.ToLookup(p => p.Window);
        return counts.GroupBy(c => c.Window).OrderBy(g => g.Key).Select(g =>
        {
            var rows = byWindow[g.Key].Select(r => (r.Prediction, r.Label!)).ToList();
            return new WindowPerformance(g.Key, g.Max(c => c.Version), g.Sum(c => c.Count), rows.Count, Score(metric, rows));
        }).ToList();
    }

    /// <summary>Accuracy: the share of predictions equal to their label; RMSE: over pairs that both read as numbers.</summary>
    public static double? Score(string metric, IReadOnlyList<(string? Prediction, string Label)> rows)
    {
        if (rows.Count == 0) return null;
        if (HigherIsBetter(metric))
            return rows.Count(r => r.Prediction == r.Label) / (double)rows.Count;
        double sum = 0;
        var n = 0;
        foreach (var (prediction, label) in rows)
        {
            if (!double.TryParse(prediction, NumberStyles.Float, CultureInfo.InvariantCulture, out var p)
                || !double.TryParse(label, NumberStyles.Float, CultureInfo.InvariantCulture, out var y)) continue;
            sum += (p - y) * (p - y);
            n++;
        }
        return n == 0 ? null : Math.Sqrt(sum / n);
    }
}

using MlOps.Monitoring.Data;

namespace MlOps.Monitoring.Apis;

public sealed record FeatureDriftDto(string Feature, string Test, double Score, double Threshold, bool Drifted, double Psi, long Rows);

public sealed record DriftWindowDto(int Window, int Version, long Rows, double DriftShare, bool DriftDetected, string? Outcome,
    DateTimeOffset WindowStart, DateTimeOffset WindowEnd, DateTimeOffset EvaluatedAt, IReadOnlyList<FeatureDriftDto> Features, FeatureDriftDto? Prediction)
{
    public static DriftWindowDto From(DriftWindow w) => new(w.Window, w.Version, w.Rows, w.DriftShare, w.DriftDetected, w.Outcome, w.WindowStart, w.WindowEnd,
        w.EvaluatedAt, w.Features.Select(Feature).ToList(), w.Prediction is null ? null : Feature(w.Prediction));

    static FeatureDriftDto Feature(FeatureVerdict f) => new(f.Feature, f.Test, f.Score, f.Threshold, f.Drifted, f.Psi, f.Rows);
}

/// <summary>The window being filled: its number, rows so far and the rows that close it.</summary>
public sealed record OpenWindowDto(int Window, long Rows, int WindowRows);

public sealed record DriftDto(string Model, int? ChampionVersion, OpenWindowDto OpenWindow, IReadOnlyList<DriftWindowDto> Windows);

/// <param name="Change">Value − holdout (negative accuracy or positive RMSE change is a drop).</param>
public sealed record WindowPerformanceDto(int Window, int? Version, long Predictions, long Labelled, double? Value, double? Change, bool Dropped);

public sealed record PerformanceDto(string Model, string Metric, double? Holdout, IReadOnlyList<WindowPerformanceDto> Windows);

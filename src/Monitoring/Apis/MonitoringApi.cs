using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using MlOps.Monitoring.Data;
using MlOps.Monitoring.Windows;
using MlOps.ServiceDefaults;
using MlOps.ServiceDefaults.Http;

namespace MlOps.Monitoring.Apis;

public static class MonitoringApi
{
    public static IEndpointRouteBuilder MapMonitoringApi(this IEndpointRouteBuilder app)
    {
        var models = app.MapGroup("/models").WithTags("Monitoring");
        models.MapGet("/{model}/drift", GetDrift)
            .WithDescription("Every full window of the model's champion predictions, newest last: each feature's test (ks, chi2, z, wasserstein, "
                + "jensenshannon or psi), score (a p-value or a distance), threshold and verdict, the prediction's drift, the drift share and whether "
                + "the dataset drifted (outcome published, or cooldown when a DriftDetected was debounced). ?limit= keeps the latest windows (default 100).")
            .Produces<DriftDto>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        models.MapGet("/{model}/drift/report", GetReport)
            .WithDescription("A self-contained HTML page of one window (?window=, default the latest): per feature the reference and current distributions side by side, the test, score, threshold and verdict.")
            .Produces(StatusCodes.Status200OK, contentType: "text/html")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        models.MapGet("/{model}/performance", GetPerformance)
            .WithDescription("Accuracy (classification) or RMSE (regression) of each window's predictions that have feedback, against the champion's holdout score.")
            .Produces<PerformanceDto>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    static async Task<IResult> GetDrift(string model, MonitoringDbContext db, CancellationToken ct, int limit = 100)
    {
        var m = await FindAsync(db, model, ct);
        if (m is null) return ModelNotFound(model);
        if (limit is < 1 or > 10_000)
            throw new RequestProblemException(StatusCodes.Status400BadRequest, "Invalid limit", "limit must be between 1 and 10000.");
        var windows = await db.Windows.AsNoTracking().Where(w => w.Model == model).OrderByDescending(w => w.Window).Take(limit).ToListAsync(ct);
        return TypedResults.Ok(new DriftDto(m.Name, m.ChampionVersion, new OpenWindowDto(m.OpenWindow, m.OpenRows, m.WindowRows),
            windows.OrderBy(w => w.Window).Select(DriftWindowDto.From).ToList()));
    }

    static async Task<IResult> GetReport(string model, MonitoringDbContext db, CancellationToken ct, int? window = null)
    {
        var m = await FindAsync(db, model, ct);
        if (m is null) return ModelNotFound(model);
        var query = db.Windows.AsNoTracking().Where(w => w.Model == model);
        var w = window is { } n
            ? await query.SingleOrDefaultAsync(x => x.Window == n, ct)
            : await query.OrderByDescending(x => x.Window).FirstOrDefaultAsync(ct);
        if (w is null && window is not null)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Window not found", detail: $"Model '{model}' has no evaluated window {window}.");
        return TypedResults.Content(DriftReportPage.Render(m, w), "text/html; charset=utf-8");
    }

    static async Task<IResult> GetPerformance(string model, MonitoringDbContext db, CancellationToken ct)
    {
        var m = await FindAsync(db, model, ct);
        if (m is null) return ModelNotFound(model);
        var reference = await db.References.AsNoTracking().SingleOrDefaultAsync(r => r.Model == model && r.ArtifactHash == m.ChampionArtifactHash, ct);
        var metric = Performance.MetricFor(m.Task ?? reference?.Task);
        double? holdout = reference is not null && reference.Metrics.TryGetValue(metric, out var h) ? h : null;
        var holdouts = await db.Windows.AsNoTracking().Where(w => w.Model == model).ToDictionaryAsync(w => w.Window, w => w.HoldoutScore, ct);
        var windows = (await Performance.ForWindowsAsync(db, model, metric, null, ct)).Select(w =>
        {
            var baseline = holdouts.GetValueOrDefault(w.Window) ?? holdout;
            double? change = w.Value is { } v && baseline is { } b ? v - b : null;
            return new WindowPerformanceDto(w.Window, w.Version, w.Predictions, w.Labelled, w.Value, change, Performance.Drop(metric, w.Value, baseline) is not null);
        }).ToList();
        return TypedResults.Ok(new PerformanceDto(model, metric, holdout, windows));
    }

    static Task<MonitoredModel?> FindAsync(MonitoringDbContext db, string model, CancellationToken ct) =>
        db.Models.AsNoTracking().SingleOrDefaultAsync(m => m.Name == model, ct);

    static ProblemHttpResult ModelNotFound(string model) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Model not found",
            detail: $"Monitoring knows no model '{model}': a model appears when its pipeline is defined, trained or promoted.");
}

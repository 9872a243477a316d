using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MlOps.ServiceDefaults.Http;
using MlOps.Training.Data;
using MlOps.Training.Runs;

namespace MlOps.Training.Apis;

public static class RunsApi
{
    public static IEndpointRouteBuilder MapRunsApi(this IEndpointRouteBuilder app)
    {
        var runs = app.MapGroup("/runs").WithTags("Runs");
        runs.MapGet("/", ListRuns).WithDescription("Newest first. Query: pipeline, status, limit (≤ 500).");
        runs.MapGet("/{runId:guid}", GetRun);
        runs.MapPost("/{runId:guid}/reproduce", Reproduce)
            .WithDescription("Retrains from the run's recorded inputs; answers when done, or 202 with the new run whose record carries identical once finished.")
            .Produces<ReproduceResult>(StatusCodes.Status200OK)
            .Produces<ReproduceResult>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    static async Task<Ok<List<RunDto>>> ListRuns(TrainingDbContext db, string? pipeline, string? status, int? limit, CancellationToken ct)
    {
        var query = db.Runs.AsNoTracking();
        if (pipeline is not null)
        {
            Problems.EnsureName(pipeline, "pipeline");
            query = query.Where(r => r.Pipeline == pipeline);
        }
        if (status is not null)
        {
            if (status is not (RunStatus.Queued or RunStatus.Running or RunStatus.Succeeded or RunStatus.Failed))
                throw new RequestProblemException(StatusCodes.Status400BadRequest, "Invalid status", $"Status '{status}' is not one of queued, running, succeeded, failed.");
            query = query.Where(r => r.Status == status);
        }
        if (limit is < 1 or > 500)
            throw new RequestProblemException(StatusCodes.Status400BadRequest, "Invalid limit", "limit must be between 1 and 500.");
        var runs = await query.OrderByDescending(r => r.QueuedAt).Take(limit ?? 100).ToListAsync(ct);
        return TypedResults.Ok(runs.Select(RunDto.From).ToList());
    }

    static async Task<IResult> GetRun(Guid runId, TrainingDbContext db, CancellationToken ct)
    {
        var run = await db.Runs.AsNoTracking().SingleOrDefaultAsync(r => r.Id == runId, ct);
        return run is null ? Problems.NotFound("Run not found", $"There is no run {runId}.") : TypedResults.Ok(RunDto.From(run));
    }

    static async Task<IResult> Reproduce(Guid runId, TrainingDbContext db, RunSignal signal, TimeProvider time, IOptions<TrainingOptions> options, CancellationToken ct)
    {
        var original = await db.Runs.AsNoTracking().SingleOrDefaultAsync(r => r.Id == runId, ct);
        if (original is null)
            return Problems.NotFound("Run not found", $"There is no run {runId}.");
        if (original.Status != RunStatus.Succeeded || original.ArtifactHash is null || original.ReproduceOf is not null)
            throw new RequestProblemException(StatusCodes.Status409Conflict, "Run cannot be reproduced",
                $"Run {runId} is {original.Status}{(original.ReproduceOf is null ? "" : " and is itself a reproduction")}: only a succeeded training run has an artifact to reproduce.");

        var reproduction = RunRequests.Reproduction(original, time.GetUtcNow());
        db.Runs.Add(reproduction);
        await db.SaveChangesAsync(ct);
        signal.Notify();

        var deadline = time.GetUtcNow() + options.Value.ReproduceWait;
        TrainingRun current = reproduction;
        while (current.Status is RunStatus.Queued or RunStatus.Running && time.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
            current = await db.Runs.AsNoTracking().SingleAsync(r => r.Id == reproduction.Id, ct);
        }
        var result = new ReproduceResult(current.Id, original.Id, current.Status, current.ArtifactHash, original.ArtifactHash, current.Identical, current.Error);
        return current.Status is RunStatus.Succeeded or RunStatus.Failed
            ? TypedResults.Ok(result)
            : TypedResults.Accepted($"/runs/{current.Id}", result);
    }
}

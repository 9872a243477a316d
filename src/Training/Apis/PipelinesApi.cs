using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using MlOps.ServiceDefaults.Http;
using MlOps.ServiceDefaults.Outbox;
using MlOps.Training.Data;
using MlOps.Training.Pipelines;
using MlOps.Training.Runs;

namespace MlOps.Training.Apis;

public sealed record PipelineSummary(string Name, string Dataset, string Task, string Target, string Trainer, string DefinitionHash, int Revision, DateTimeOffset UpdatedAt);

public sealed record PipelineRevision(int Revision, string Hash, DateTimeOffset CreatedAt);

public sealed record PipelineDto(string Name, string DefinitionHash, int Revision, PipelineDefinition Definition, IReadOnlyList<PipelineRevision> Revisions,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, bool? Changed = null);

public static class PipelinesApi
{
    public static IEndpointRouteBuilder MapPipelinesApi(this IEndpointRouteBuilder app)
    {
        var pipelines = app.MapGroup("/pipelines").WithTags("Pipelines");
        pipelines.MapPut("/{name}", PutPipeline)
            .WithDescription("Body: a pipeline definition as JSON (DESIGN §4). The same definition again changes nothing and publishes nothing.")
            .Accepts<JsonElement>("application/json")
            .Produces<PipelineDto>(StatusCodes.Status200OK)
            .Produces<PipelineDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem();
        pipelines.MapGet("/", ListPipelines);
        pipelines.MapGet("/{name}", GetPipeline);
        pipelines.MapPost("/{name}/runs", RequestRun)
            .Produces<RunRequested>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    static async Task<IResult> PutPipeline(string name, HttpRequest request, TrainingDbContext db, TimeProvider time, CancellationToken ct)
    {
        using var document = await JsonBody.ParseAsync(request, "the definition", ct);

        var (definition, problems) = PipelineDefinitionParser.Parse(document.RootElement, name);
        if (definition is null)
            return TypedResults.ValidationProblem(
                problems.GroupBy(p => p.Field).ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToArray()),
                detail: string.Join("; ", problems.Select(p => $"{p.Field}: {p.Message}")),
                title: "Invalid pipeline definition");

        var hash = DefinitionHash.Of(definition);
        var now = time.GetUtcNow();
        var pipeline = await db.Pipelines.SingleOrDefaultAsync(p => p.Name == name, ct);
        if (pipeline is not null && pipeline.DefinitionHash == hash)
            return TypedResults.Ok(await DtoAsync(db, pipeline, changed: false, ct));

        var created = pipeline is null;
        pipeline ??= db.Pipelines.Add(new Pipeline { Name = name, Dataset = definition.Dataset, DefinitionHash = hash, Definition = definition, CreatedAt = now }).Entity;
        pipeline.Dataset = definition.Dataset;
        pipeline.DefinitionHash = hash;
        pipeline.Definition = definition;
        pipeline.Revision++;
        pipeline.UpdatedAt = now;
        if (!await db.PipelineVersions.AnyAsync(v => v.Name == name && v.Hash == hash, ct))
            db.PipelineVersions.Add(new PipelineVersion { Name = name, Hash = hash, Revision = pipeline.Revision, Definition = definition, CreatedAt = now });
        var correlationId = Guid.NewGuid();
        db.AddEvent(definition.ToEvent(name, hash, correlationId, now), correlationId, time);
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException)
        {
            throw new RequestProblemException(StatusCodes.Status409Conflict, "Concurrent change", $"Pipeline '{name}' was changed at the same time by another request; send the definition again.");
        }
        var dto = await DtoAsync(db, pipeline, changed: true, ct);
        return created ? TypedResults.Created($"/pipelines/{name}", dto) : TypedResults.Ok(dto);
    }

    static async Task<Ok<List<PipelineSummary>>> ListPipelines(TrainingDbContext db, CancellationToken ct)
    {
        var pipelines = await db.Pipelines.AsNoTracking().OrderBy(p => p.Name).ToListAsync(ct);
        return TypedResults.Ok(pipelines.Select(p => new PipelineSummary(p.Name, p.Dataset, p.Definition.Task, p.Definition.Target, p.Definition.Trainer.Name,
            p.DefinitionHash, p.Revision, p.UpdatedAt)).ToList());
    }

    static async Task<IResult> GetPipeline(string name, TrainingDbContext db, CancellationToken ct)
    {
        var pipeline = await db.Pipelines.AsNoTracking().SingleOrDefaultAsync(p => p.Name == name, ct);
        return pipeline is null
            ? Problems.NotFound("Pipeline not found", $"There is no pipeline '{name}': define it with PUT /pipelines/{name}.")
            : TypedResults.Ok(await DtoAsync(db, pipeline, null, ct));
    }

    static async Task<IResult> RequestRun(string name, TrainingDbContext db, RunSignal signal, TimeProvider time, CancellationToken ct)
    {
        if (!await db.Pipelines.AnyAsync(p => p.Name == name, ct))
            return Problems.NotFound("Pipeline not found", $"There is no pipeline '{name}': define it with PUT /pipelines/{name}.");
        RunRequest request;
        try
        {
            request = await RequestInTransactionAsync(db, name, time, ct);
        }
        catch (DbUpdateException)
        {
            // Another trigger queued a run at the same moment: join it.
            db.ChangeTracker.Clear();
            request = await RequestInTransactionAsync(db, name, time, ct);
        }
        signal.Notify();
        return TypedResults.Accepted($"/runs/{request.Run.Id}", new RunRequested(request.Run.Id, name, request.Run.Status, request.Coalesced));
    }

    static async Task<RunRequest> RequestInTransactionAsync(TrainingDbContext db, string name, TimeProvider time, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var request = await RunRequests.RequestAsync(db, name, RunTriggers.Manual, ignoreCooldown: true, Guid.NewGuid(), time.GetUtcNow(), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return request;
    }

    static async Task<PipelineDto> DtoAsync(TrainingDbContext db, Pipeline p, bool? changed, CancellationToken ct)
    {
        var revisions = await db.PipelineVersions.AsNoTracking().Where(v => v.Name == p.Name).OrderBy(v => v.Revision)
            .Select(v => new PipelineRevision(v.Revision, v.Hash, v.CreatedAt)).ToListAsync(ct);
        return new PipelineDto(p.Name, p.DefinitionHash, p.Revision, p.Definition, revisions, p.CreatedAt, p.UpdatedAt, changed);
    }
}

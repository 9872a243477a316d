using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using MlOps.Learning.Artifacts;
using MlOps.Learning.Onnx;
using MlOps.Registry.Data;
using MlOps.Registry.Gate;
using MlOps.ServiceDefaults.Blobs;
using MlOps.ServiceDefaults.Http;

namespace MlOps.Registry.Apis;

public static class RegistryApi
{
    public static IEndpointRouteBuilder MapRegistryApi(this IEndpointRouteBuilder app)
    {
        var models = app.MapGroup("/models").WithTags("Models");
        models.MapGet("/", ListModels);
        models.MapGet("/{model}", GetModel);
        models.MapGet("/{model}/versions", ListVersions);
        models.MapGet("/{model}/versions/{version:int}", GetVersion);
        models.MapGet("/{model}/versions/{version:int}/artifact", GetArtifact)
            .WithDescription("The artifact's bytes, streamed from the blob store by the version's recorded hash; their SHA-256 is artifactHash.")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream");
        models.MapGet("/{model}/versions/{version:int}/onnx", GetOnnx)
            .WithDescription("The version as an ONNX graph (docs/model-format.md), built from the hash-verified artifact; runs in any ONNX runtime without the platform.")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .ProducesProblem(StatusCodes.Status404NotFound);
        models.MapMethods("/{model}/versions/{version:int}", ["PUT", "PATCH", "DELETE"], RefuseEdit)
            .WithDescription("Versions are immutable: always 409.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        models.MapPost("/{model}/aliases/champion", MoveChampion)
            .WithDescription("Body {version, reason}; the caller is named by the X-User header. Manual promote or rollback, audited.")
            .Produces<ChampionMoved>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        models.MapGet("/{model}/audit", GetAudit);
        return app;
    }

    static async Task<Ok<List<ModelDto>>> ListModels(RegistryDbContext db, CancellationToken ct)
    {
        var models = await db.Models.AsNoTracking().Where(m => m.LatestVersion > 0).OrderBy(m => m.Name).ToListAsync(ct);
        var result = new List<ModelDto>(models.Count);
        foreach (var m in models)
            result.Add(await DtoAsync(db, m, ct));
        return TypedResults.Ok(result);
    }

    static async Task<IResult> GetModel(string model, RegistryDbContext db, CancellationToken ct)
    {
        var m = await FindAsync(db, model, ct);
        return m is null ? ModelNotFound(model) : TypedResults.Ok(await DtoAsync(db, m, ct));
    }

    static async Task<IResult> ListVersions(string model, RegistryDbContext db, CancellationToken ct)
    {
        var m = await FindAsync(db, model, ct);
        if (m is null)
            return ModelNotFound(model);
        var versions = await db.Versions.AsNoTracking().Where(v => v.Model == model).OrderBy(v => v.Version).ToListAsync(ct);
        return TypedResults.Ok(versions.Select(v => ModelVersionDto.From(v, m.ChampionVersion)).ToList());
    }

    static async Task<IResult> GetVersion(string model, int version, RegistryDbContext db, CancellationToken ct)
    {
        var m = await FindAsync(db, model, ct);
        var v = m is null ? null : await db.Versions.AsNoTracking().SingleOrDefaultAsync(x => x.Model == model && x.Version == version, ct);
        return v is null ? VersionNotFound(model, version) : TypedResults.Ok(ModelVersionDto.From(v, m!.ChampionVersion));
    }

    static async Task<IResult> GetArtifact(string model, int version, RegistryDbContext db, IBlobStore blobs, HttpContext http, CancellationToken ct)
    {
        var hash = await db.Versions.AsNoTracking().Where(x => x.Model == model && x.Version == version).Select(x => x.ArtifactHash).SingleOrDefaultAsync(ct);
        if (hash is null)
            return VersionNotFound(model, version);
        Stream stream;
        try { stream = await blobs.OpenReadAsync(hash, ct); }
        catch (BlobNotFoundException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status410Gone, title: "Artifact missing",
                detail: $"{model} v{version}'s artifact {hash} is no longer in the blob store.");
        }
        http.Response.Headers["X-Artifact-Hash"] = hash;
        return TypedResults.Stream(stream, "application/octet-stream", $"{model}-v{version}.mlm", entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{hash}\""));
    }

    static async Task<IResult> GetOnnx(string model, int version, RegistryDbContext db, IBlobStore blobs, HttpContext http, CancellationToken ct)
    {
        var hash = await db.Versions.AsNoTracking().Where(x => x.Model == model && x.Version == version).Select(x => x.ArtifactHash).SingleOrDefaultAsync(ct);
        if (hash is null)
            return VersionNotFound(model, version);
        byte[] artifact;
        try
        {
            // The store verifies the bytes against the recorded hash before anything is built from them.
            artifact = await blobs.ReadAllBytesAsync(hash, ct);
        }
        catch (BlobNotFoundException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status410Gone, title: "Artifact missing",
                detail: $"{model} v{version}'s artifact {hash} is no longer in the blob store.");
        }
        catch (BlobCorruptedException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Artifact does not match its hash",
                detail: $"The blob stored for {model} v{version} does not hash to {hash}; it is not exported.");
        }
        byte[] onnx;
        try { onnx = OnnxExport.ToBytes(ModelArtifact.FromBytes(artifact)); }
        catch (NotSupportedException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "No ONNX form for this model",
                detail: $"{model} v{version} cannot be exported to ONNX: {e.Message}");
        }
        http.Response.Headers["X-Artifact-Hash"] = hash;
        return TypedResults.File(onnx, "application/octet-stream", $"{model}-v{version}.onnx");
    }

    static IResult RefuseEdit(string model, int version)
    {
        return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Versions are immutable",
            detail: $"{model} v{version} cannot be changed or deleted: a version's lineage, metrics and gate decision are fixed when it is registered. Train a new version, or move the champion alias.");
    }

    static async Task<IResult> MoveChampion(string model, ChampionRequest? body, HttpContext http, RegistryDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (body?.Version is not { } target)
            throw new RequestProblemException(StatusCodes.Status400BadRequest, "Missing version", "The body must name the version to promote: {\"version\": 3, \"reason\": \"…\"}.");
        if (string.IsNullOrWhiteSpace(body.Reason))
            throw new RequestProblemException(StatusCodes.Status400BadRequest, "Missing reason", "The body must give a reason: it is written to the audit log.");
        if (body.Reason.Length > 2000)
            throw new RequestProblemException(StatusCodes.Status400BadRequest, "Reason too long", "The reason must be at most 2000 characters.");
        var who = Who(http);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var locked = await db.Models.FromSqlInterpolated($"""SELECT * FROM models WHERE "Name" = {model} FOR UPDATE""").ToListAsync(ct);
        if (locked is not [var m] || m.LatestVersion == 0)
            return ModelNotFound(model);
        var version = await db.Versions.AsNoTracking().SingleOrDefaultAsync(v => v.Model == model && v.Version == target, ct);
        if (version is null)
            return VersionNotFound(model, target);
        if (m.ChampionVersion == target)
            return TypedResults.Ok(new ChampionMoved(model, target, target, Changed: false, Audit: null));
        var previous = m.ChampionVersion;
        var now = time.GetUtcNow();
        PromotionGate.Promote(db, m, version, who, body.Reason.Trim(), null, now, time);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        var entry = await db.Audit.AsNoTracking().Where(a => a.Model == model).OrderByDescending(a => a.Id).FirstAsync(ct);
        return TypedResults.Ok(new ChampionMoved(model, target, previous, Changed: true, AuditDto.Of(entry)));
    }

    static async Task<IResult> GetAudit(string model, RegistryDbContext db, CancellationToken ct)
    {
        var entries = await db.Audit.AsNoTracking().Where(a => a.Model == model).OrderBy(a => a.Id).ToListAsync(ct);
        if (entries.Count == 0 && await FindAsync(db, model, ct) is null)
            return ModelNotFound(model);
        return TypedResults.Ok(entries.Select(AuditDto.Of).ToList());
    }

    /// <summary>The person moving the alias: the authenticated user when there is one, else the X-User header.</summary>
    static string Who(HttpContext http)
    {
        if (http.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name })
            return name;
        var header = http.Request.Headers["X-User"].ToString().Trim();
        return header.Length is > 0 and <= 200 ? header : "anonymous";
    }

    static Task<RegisteredModel?> FindAsync(RegistryDbContext db, string model, CancellationToken ct) =>
        db.Models.AsNoTracking().SingleOrDefaultAsync(m => m.Name == model && m.LatestVersion > 0, ct);

    static async Task<ModelDto> DtoAsync(RegistryDbContext db, RegisteredModel m, CancellationToken ct)
    {
        var champion = m.ChampionVersion is { } cv ? await db.Versions.AsNoTracking().SingleOrDefaultAsync(v => v.Model == m.Name && v.Version == cv, ct) : null;
        var awaiting = await db.Versions.AsNoTracking().Where(v => v.Model == m.Name && v.GateDecision == GateDecisions.AwaitingApproval && v.Version > (m.ChampionVersion ?? 0))
            .OrderBy(v => v.Version).Select(v => v.Version).ToListAsync(ct);
        var count = await db.Versions.CountAsync(v => v.Model == m.Name, ct);
        return new ModelDto(m.Name, ChampionScore.Of(m, champion), count, m.LatestVersion, awaiting, m.CreatedAt, m.UpdatedAt);
    }

    static IResult ModelNotFound(string model) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Model not found", detail: $"There is no model '{model}': a model appears when its pipeline's first run is registered.");

    static IResult VersionNotFound(string model, int version) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Version not found", detail: $"Model '{model}' has no version {version}.");
}

using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using MlOps.Validation.Data;
using MlOps.Validation.Schemas;

namespace MlOps.Validation.Apis;

public sealed record SchemaDto(string Dataset, int Version, string Source, DatasetSchema Schema, long AcceptedBatches, long AcceptedRows, DateTimeOffset UpdatedAt)
{
    public static SchemaDto From(DatasetState s) => new(s.Dataset, s.SchemaVersion, s.SchemaSource, s.Schema, s.AcceptedBatches, s.AcceptedRows, s.UpdatedAt);
}

public static class ValidationApi
{
    public static IEndpointRouteBuilder MapValidationApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/reports").WithTags("Reports").MapGet("/{batchId:guid}", GetReport);
        var datasets = app.MapGroup("/datasets").WithTags("Schemas");
        datasets.MapGet("/{dataset}/schema", GetSchema);
        datasets.MapPut("/{dataset}/schema", PutSchema).ProducesValidationProblem();
        return app;
    }

    static async Task<Results<Ok<ValidationReport>, ProblemHttpResult>> GetReport(Guid batchId, ValidationDbContext db, CancellationToken ct)
    {
        var report = await db.Reports.AsNoTracking().SingleOrDefaultAsync(r => r.BatchId == batchId, ct);
        return report is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Report not found", detail: $"No validation report for batch {batchId} (yet).")
            : TypedResults.Ok(report);
    }

    static async Task<Results<Ok<SchemaDto>, ProblemHttpResult>> GetSchema(string dataset, ValidationDbContext db, CancellationToken ct)
    {
        var state = await db.Datasets.AsNoTracking().SingleOrDefaultAsync(d => d.Dataset == dataset, ct);
        return state is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Schema not found",
                detail: $"Dataset '{dataset}' has no schema yet: it is inferred from the first accepted batch, or PUT one.")
            : TypedResults.Ok(SchemaDto.From(state));
    }

    /// <summary>Replaces the schema. A column whose bin edges change starts its histogram history afresh.</summary>
    static async Task<Results<Ok<SchemaDto>, ValidationProblem>> PutSchema(string dataset, DatasetSchema schema, ValidationDbContext db, TimeProvider time, CancellationToken ct)
    {
        var problems = SchemaRules.Problems(schema);
        if (problems.Count > 0)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["schema"] = [.. problems] },
                detail: string.Join("; ", problems), title: "Invalid schema");

        // Locked like a validation's commit, so an edit and an accepted batch never overwrite each other.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var state = await db.Datasets.FromSqlInterpolated($"SELECT *, xmin FROM datasets WHERE \"Dataset\" = {dataset} FOR UPDATE").SingleOrDefaultAsync(ct);
        if (state is null)
        {
            state = new DatasetState { Dataset = dataset, Schema = schema, SchemaSource = "edited" };
            db.Datasets.Add(state);
        }
        foreach (var column in schema.Columns)
            if (state.History.FirstOrDefault(h => h.Name == column.Name) is { } history
                && !(history.Edges ?? []).SequenceEqual(column.BinEdges ?? []))
                history.WithEdges(column.BinEdges);
        state.Schema = schema;
        state.SchemaSource = "edited";
        state.SchemaVersion++;
        state.History = [.. state.History];
        state.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(SchemaDto.From(state));
    }
}

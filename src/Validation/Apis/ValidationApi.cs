using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using MlOps.Validation.Data;

namespace MlOps.Validation.Apis;

public static class ValidationApi
{
    public static IEndpointRouteBuilder MapValidationApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/reports").WithTags("Reports").MapGet("/{batchId:guid}", GetReport);
        return app;
    }

    static async Task<Results<Ok<ValidationReport>, ProblemHttpResult>> GetReport(Guid batchId, ValidationDbContext db, CancellationToken ct)
    {
        var report = await db.Reports.AsNoTracking().SingleOrDefaultAsync(r => r.BatchId == batchId, ct);
        return report is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Report not found", detail: $"No validation report for batch {batchId} (yet).")
            : TypedResults.Ok(report);
    }
}

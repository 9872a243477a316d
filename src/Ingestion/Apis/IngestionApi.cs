using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using MlOps.Contracts;
using MlOps.Ingestion.Data;
using DatasetVersion = MlOps.Ingestion.Data.DatasetVersion;
using MlOps.ServiceDefaults.Http;

namespace MlOps.Ingestion.Apis;

public sealed record BatchAccepted(Guid BatchId, string ContentHash, long Rows, IReadOnlyList<ColumnInfo> Columns, string Status, bool Duplicate);

public sealed record BatchDto(Guid BatchId, string Dataset, string ContentHash, string Format, long Bytes, long Rows, IReadOnlyList<ColumnInfo> Columns,
    string Status, IReadOnlyList<Anomaly> Reasons, Guid? ReportId, string Source, DateTimeOffset ReceivedAt, DateTimeOffset? DecidedAt)
{
    public static BatchDto From(Batch b) => new(b.Id, b.Dataset, b.ContentHash, b.Format, b.Bytes, b.Rows, b.Columns, b.Status, b.Anomalies, b.ReportId, b.Source, b.ReceivedAt, b.DecidedAt);
}

public sealed record DatasetVersionDto(string Dataset, int Number, string Hash, IReadOnlyList<string> BatchHashes, IReadOnlyList<long> BatchRows, long Rows, DateTimeOffset CreatedAt)
{
    public static DatasetVersionDto From(DatasetVersion v) => new(v.Dataset, v.Number, v.Hash, v.BatchHashes, v.BatchRows, v.Rows, v.CreatedAt);
}

public sealed record DatasetDto(string Dataset, int Batches, long Rows, DateTimeOffset LastReceivedAt);

public static class IngestionApi
{
    public static IEndpointRouteBuilder MapIngestionApi(this IEndpointRouteBuilder app)
    {
        var datasets = app.MapGroup("/datasets").WithTags("Datasets");
        datasets.MapPost("/{dataset}/batches", PostBatch)
            // Not declared with Accepts(): routing would answer a wrong content type with a bare 415 instead of our problem.
            .WithDescription("Body: text/csv (header row first) or application/x-ndjson (one JSON object per line). Headers: Idempotency-Key, X-Source.")
            .Produces<BatchAccepted>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        datasets.MapGet("/", ListDatasets);
        datasets.MapGet("/{dataset}/batches", ListBatches);
        datasets.MapGet("/{dataset}/batches/{batchId:guid}", GetBatch);
        datasets.MapGet("/{dataset}/versions", ListVersions);
        datasets.MapGet("/{dataset}/versions/latest", GetLatestVersion);
        datasets.MapGet("/{dataset}/versions/{number:int}", GetVersion);
        return app;
    }

    static async Task<Accepted<BatchAccepted>> PostBatch(string dataset, HttpRequest request, BatchReceiver receiver,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, [FromHeader(Name = "X-Source")] string? source, CancellationToken ct)
    {
        var format = FormatOf(request.ContentType);
        if (idempotencyKey is { Length: > 200 })
            throw new RequestProblemException(StatusCodes.Status400BadRequest, "Invalid Idempotency-Key", "The Idempotency-Key header is longer than 200 characters.");
        var received = await receiver.ReceiveAsync(dataset, format, request.Body, source ?? "http", idempotencyKey, ct);
        var b = received.Batch;
        return TypedResults.Accepted($"/datasets/{dataset}/batches/{b.Id}",
            new BatchAccepted(b.Id, b.ContentHash, b.Rows, b.Columns, b.Status, received.Duplicate));
    }

    static async Task<Ok<List<DatasetDto>>> ListDatasets(IngestionDbContext db, CancellationToken ct)
    {
        // Aggregate into an anonymous shape SQL can express; the DTO is built afterwards.
        var rows = await db.Batches
            .GroupBy(b => b.Dataset)
            .OrderBy(g => g.Key)
            .Select(g => new { Dataset = g.Key, Batches = g.Count(), Rows = g.Sum(b => b.Rows), LastReceivedAt = g.Max(b => b.ReceivedAt) })
            .ToListAsync(ct);
        return TypedResults.Ok(rows.Select(r => new DatasetDto(r.Dataset, r.Batches, r.Rows, r.LastReceivedAt)).ToList());
    }

    static async Task<Ok<List<BatchDto>>> ListBatches(string dataset, IngestionDbContext db, CancellationToken ct)
    {
        var batches = await db.Batches.AsNoTracking().Where(b => b.Dataset == dataset).OrderBy(b => b.ReceivedAt).ToListAsync(ct);
        return TypedResults.Ok(batches.Select(BatchDto.From).ToList());
    }

    static async Task<Results<Ok<BatchDto>, ProblemHttpResult>> GetBatch(string dataset, Guid batchId, IngestionDbContext db, CancellationToken ct)
    {
        var batch = await db.Batches.AsNoTracking().SingleOrDefaultAsync(b => b.Id == batchId && b.Dataset == dataset, ct);
        return batch is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Batch not found", detail: $"Dataset '{dataset}' has no batch {batchId}.")
            : TypedResults.Ok(BatchDto.From(batch));
    }

    static async Task<Ok<List<DatasetVersionDto>>> ListVersions(string dataset, IngestionDbContext db, CancellationToken ct)
    {
        var versions = await db.Versions.AsNoTracking().Where(v => v.Dataset == dataset).OrderBy(v => v.Number).ToListAsync(ct);
        return TypedResults.Ok(versions.Select(DatasetVersionDto.From).ToList());
    }

    static async Task<Results<Ok<DatasetVersionDto>, ProblemHttpResult>> GetLatestVersion(string dataset, IngestionDbContext db, CancellationToken ct) =>
        VersionOrProblem(dataset, "latest", await db.Versions.AsNoTracking().Where(v => v.Dataset == dataset).OrderByDescending(v => v.Number).FirstOrDefaultAsync(ct));

    static async Task<Results<Ok<DatasetVersionDto>, ProblemHttpResult>> GetVersion(string dataset, int number, IngestionDbContext db, CancellationToken ct) =>
        VersionOrProblem(dataset, number.ToString(), await db.Versions.AsNoTracking().SingleOrDefaultAsync(v => v.Dataset == dataset && v.Number == number, ct));

    static Results<Ok<DatasetVersionDto>, ProblemHttpResult> VersionOrProblem(string dataset, string which, DatasetVersion? version) =>
        version is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Dataset version not found",
                detail: $"Dataset '{dataset}' has no version {which}: a version is made each time a batch is accepted.")
            : TypedResults.Ok(DatasetVersionDto.From(version));

    static string FormatOf(string? contentType)
    {
        var mediaType = contentType?.Split(';')[0].Trim().ToLowerInvariant();
        return mediaType switch
        {
            "text/csv" => BatchFormats.Csv,
            "application/x-ndjson" or "application/jsonl" or "application/jsonlines" => BatchFormats.Ndjson,
            _ => throw new RequestProblemException(StatusCodes.Status415UnsupportedMediaType, "Unsupported content type",
                $"Content type '{contentType ?? "(none)"}' is not accepted: send text/csv or application/x-ndjson."),
        };
    }
}

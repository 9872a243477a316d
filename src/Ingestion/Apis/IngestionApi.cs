using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using MlOps.Contracts;
using MlOps.Ingestion.Data;
using MlOps.ServiceDefaults.Http;

namespace MlOps.Ingestion.Apis;

public sealed record BatchAccepted(Guid BatchId, string ContentHash, long Rows, IReadOnlyList<ColumnInfo> Columns, string Status, bool Duplicate);

public sealed record BatchDto(Guid BatchId, string Dataset, string ContentHash, string Format, long Bytes, long Rows, IReadOnlyList<ColumnInfo> Columns,
    string Status, IReadOnlyList<Anomaly> Reasons, Guid? ReportId, string Source, DateTimeOffset ReceivedAt, DateTimeOffset? DecidedAt)
{
    public static BatchDto From(Batch b) => new(b.Id, b.Dataset, b.ContentHash, b.Format, b.Bytes, b.Rows, b.Columns, b.Status, b.Anomalies, b.ReportId, b.Source, b.ReceivedAt, b.DecidedAt);
}

public sealed record DatasetDto(string Dataset, int Batches, long Rows, DateTimeOffset LastReceivedAt);

public static partial class IngestionApi
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
        return app;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex DatasetName();

    static async Task<Accepted<BatchAccepted>> PostBatch(string dataset, HttpRequest request, BatchReceiver receiver,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, [FromHeader(Name = "X-Source")] string? source, CancellationToken ct)
    {
        EnsureDatasetName(dataset);
        var format = FormatOf(request.ContentType);
        if (idempotencyKey is { Length: > 200 })
            throw new RequestProblemException(StatusCodes.Status400BadRequest, "Invalid Idempotency-Key", "The Idempotency-Key header is longer than 200 characters.");
        var received = await receiver.ReceiveAsync(dataset, format, request.Body, source ?? "http", idempotencyKey, ct);
        var b = received.Batch;
        return TypedResults.Accepted($"/datasets/{dataset}/batches/{b.Id}",
            new BatchAccepted(b.Id, b.ContentHash, b.Rows, b.Columns, b.Status, received.Duplicate));
    }

    static async Task<Ok<List<DatasetDto>>> ListDatasets(IngestionDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await db.Batches
            .GroupBy(b => b.Dataset)
            .Select(g => new DatasetDto(g.Key, g.Count(), g.Sum(b => b.Rows), g.Max(b => b.ReceivedAt)))
            .OrderBy(d => d.Dataset)
            .ToListAsync(ct));

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

    static void EnsureDatasetName(string dataset)
    {
        if (!DatasetName().IsMatch(dataset))
            throw new RequestProblemException(StatusCodes.Status400BadRequest, "Invalid dataset name",
                $"Dataset name '{dataset}' is invalid: use 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit.");
    }

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

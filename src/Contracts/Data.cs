namespace MlOps.Contracts;

/// <summary>Formats a batch can arrive in.</summary>
public static class BatchFormats
{
    public const string Csv = "csv";
    public const string Ndjson = "ndjson";
}

/// <summary>A column as inferred from a batch: its exact header name and type.</summary>
/// <param name="Type">One of integer, float, boolean, timestamp, string.</param>
public record ColumnInfo(string Name, string Type, long Nulls);

/// <summary>An upstream system publishing a batch instead of calling the HTTP API.
/// Exactly one of <paramref name="Content"/> (inline text) or <paramref name="BlobRef"/> (a <c>sha256:</c> key in the blob store) is set.</summary>
public record BatchSubmitted(
    string Dataset,
    string Format,
    string? Content,
    string? BlobRef,
    string Source,
    string? IdempotencyKey,
    Guid CorrelationId,
    DateTimeOffset OccurredAt);

/// <summary>A batch was stored. Its bytes live in the blob store under <paramref name="ContentHash"/> (claim check).</summary>
public record DataArrived(
    Guid BatchId,
    string Dataset,
    string ContentHash,
    string Format,
    long Rows,
    IReadOnlyList<ColumnInfo> Columns,
    string Source,
    string BlobRef,
    Guid CorrelationId,
    DateTimeOffset OccurredAt);

/// <summary>One problem found in a batch.</summary>
/// <param name="Severity">WARNING or ERROR.</param>
/// <param name="Kind">Anomaly kind, e.g. missing_column, type_mismatch, unparseable.</param>
/// <param name="Column">The column concerned, when there is one.</param>
/// <param name="Line">The 1-based line of the input concerned, when there is one.</param>
public record Anomaly(string Severity, string Kind, string? Column, string Description, long? Line = null, double? Value = null, double? Threshold = null);

/// <summary>Summary statistics of one column, carried with <see cref="DataValidated"/>.</summary>
public record ColumnSummary(string Name, string Type, long Count, long Nulls, double? Mean, double? Std, double? Min, double? Max, long Distinct);

public record DataValidated(
    Guid BatchId,
    string Dataset,
    string ContentHash,
    Guid ReportId,
    long Rows,
    IReadOnlyList<ColumnSummary> Profile,
    IReadOnlyList<Anomaly> Warnings,
    Guid CorrelationId,
    DateTimeOffset OccurredAt);

public record DataRejected(
    Guid BatchId,
    string Dataset,
    string ContentHash,
    Guid ReportId,
    IReadOnlyList<Anomaly> Anomalies,
    Guid CorrelationId,
    DateTimeOffset OccurredAt);

/// <summary>Ingestion appended a dataset version: the exact, ordered data a training run takes.</summary>
/// <param name="Number">1-based, increasing by one per dataset.</param>
/// <param name="Hash">The version's hash over <paramref name="BatchHashes"/> in order.</param>
/// <param name="BatchHashes">The accepted batches' content hashes, in the order they were appended.</param>
/// <param name="BatchRows">The row count of each batch, in the same order.</param>
public record DatasetVersionCreated(
    string Dataset,
    int Number,
    string Hash,
    IReadOnlyList<string> BatchHashes,
    IReadOnlyList<long> BatchRows,
    long Rows,
    Guid CorrelationId,
    DateTimeOffset OccurredAt);

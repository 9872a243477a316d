namespace MlOps.Learning.Data;

/// <summary>
/// How to read CSV or NDJSON into a <see cref="TabularFrame"/>. Parsing, missing values and type inference are the
/// tabular library's (<c>MlOps.Tabular</c>), the same rules the data plane applies to a batch.
/// </summary>
public sealed record CsvReadOptions
{
    /// <summary>
    /// Types to force for named columns (e.g. the model's input schema at prediction time, so a
    /// categorical column whose values look numeric stays categorical). Others are inferred.
    /// </summary>
    public IReadOnlyDictionary<string, ColumnType>? ColumnTypes { get; init; }

    public static CsvReadOptions Default { get; } = new();
}

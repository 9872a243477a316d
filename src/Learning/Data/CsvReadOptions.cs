namespace MlOps.Learning.Data;

/// <summary>How to read delimited text or NDJSON into a <see cref="TabularFrame"/>.</summary>
public sealed record CsvReadOptions
{
    public char Delimiter { get; init; } = ',';

    /// <summary>Cell texts read as null (compared case-insensitively, after trimming). The empty cell is always null.</summary>
    public IReadOnlyList<string> NullTokens { get; init; } = ["NA", "N/A", "null", "NaN", "?"];

    /// <summary>
    /// Types to force for named columns (e.g. the model's input schema at prediction time, so a
    /// categorical column whose values look numeric stays categorical). Others are inferred.
    /// </summary>
    public IReadOnlyDictionary<string, ColumnType>? ColumnTypes { get; init; }

    public static CsvReadOptions Default { get; } = new();
}

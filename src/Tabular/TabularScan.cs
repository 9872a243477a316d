namespace MlOps.Tabular;

/// <summary>A column as a scan found it: its exact header name (or NDJSON key), type name and missing values.</summary>
public sealed record ScannedColumn(string Name, string Type, long Nulls);

/// <summary>
/// A problem in one row that does not stop the reading (a ragged row, a line that is not a JSON object, a JSON type that
/// changes within a column, no rows at all): every one is an error for the batch. <c>Kind</c> is the anomaly kind the
/// data plane reports (<c>ragged_row</c>, <c>malformed_json</c>, <c>mixed_types</c>, <c>no_rows</c>).
/// </summary>
public sealed record TabularProblem(string Kind, string? Column, string Description, long Line);

/// <summary>Summary statistics of one column; numeric ones only for a numeric column, over its finite values.</summary>
public sealed record ColumnStatistics(string Name, string Type, long Count, long Nulls, long NonFinite, double? Mean, double? Std, double? Min, double? Max, long Distinct);

/// <summary>What one streaming pass over a batch found: its columns with inferred types, its row count, and its problems.</summary>
public sealed record TabularScan(IReadOnlyList<ScannedColumn> Columns, long Rows, IReadOnlyList<TabularProblem> Problems, long ProblemCount, IReadOnlyList<ColumnStatistics> Statistics)
{
    /// <summary>Every problem a scan reports is an error for the batch.</summary>
    public bool HasErrors => ProblemCount > 0;
}

/// <summary>The two batch formats, by the names the data plane uses.</summary>
public static class TabularFormats
{
    public const string Csv = "csv";
    public const string Ndjson = "ndjson";
}

public sealed record TabularLimits(int MaxColumns = 1000, int MaxFieldLength = 1 << 20, int MaxReportedProblems = 50);

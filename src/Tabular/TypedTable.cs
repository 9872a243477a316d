namespace MlOps.Tabular;

/// <summary>
/// One column read into typed storage: integer, float, boolean (1/0) and timestamp (Unix seconds, UTC) values in
/// <see cref="Numbers"/> with NaN for a missing value; string values as <see cref="Codes"/> (-1 for missing) into
/// <see cref="Categories"/>, in order of first appearance. <see cref="Nulls"/> counts missing values as the scan does
/// (a <c>NaN</c> written in the data is a non-finite number, not a null, though it is stored as NaN too).
/// </summary>
public sealed class TypedColumn
{
    internal TypedColumn(string name, string type, double[]? numbers, int[]? codes, string[]? categories, long nulls)
    {
        Name = name;
        Type = type;
        Numbers = numbers;
        Codes = codes;
        Categories = categories ?? [];
        Nulls = nulls;
        Length = numbers?.Length ?? codes!.Length;
    }

    public string Name { get; }
    /// <summary>One of <see cref="ColumnTypes"/>.</summary>
    public string Type { get; }
    public double[]? Numbers { get; }
    public int[]? Codes { get; }
    public string[] Categories { get; }
    public long Nulls { get; }
    public int Length { get; }
}

/// <summary>Equally long typed columns, in the order the data names them.</summary>
public sealed record TypedTable(IReadOnlyList<TypedColumn> Columns, int Rows);

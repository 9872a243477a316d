namespace MlOps.Learning.Data;

/// <summary>The logical type of a column. Numeric kinds are stored as doubles (NaN = null).</summary>
public enum ColumnType : byte
{
    Float = 1,
    Integer = 2,
    Boolean = 3,
    Categorical = 4,
    /// <summary>Stored as Unix seconds (UTC).</summary>
    Timestamp = 5,
}

/// <summary>Name, type and (for categorical columns) the known categories of one column.</summary>
public sealed record ColumnSchema(string Name, ColumnType Type, IReadOnlyList<string>? Categories = null)
{
    public bool IsNumeric => Type is not ColumnType.Categorical;
}

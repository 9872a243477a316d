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

/// <summary>The tabular library's type names for the engine's column types: <see cref="ColumnType.Categorical"/> is <c>string</c>.</summary>
public static class ColumnTypeNames
{
    public static string Name(ColumnType type) => type switch
    {
        ColumnType.Float => MlOps.Tabular.ColumnTypes.Float,
        ColumnType.Integer => MlOps.Tabular.ColumnTypes.Integer,
        ColumnType.Boolean => MlOps.Tabular.ColumnTypes.Boolean,
        ColumnType.Timestamp => MlOps.Tabular.ColumnTypes.Timestamp,
        _ => MlOps.Tabular.ColumnTypes.String,
    };

    /// <summary>The engine's type for a type name; <c>categorical</c> (the enum's own name) is accepted for string.</summary>
    public static bool TryParse(string name, out ColumnType type)
    {
        type = name.ToLowerInvariant() switch
        {
            MlOps.Tabular.ColumnTypes.Float => ColumnType.Float,
            MlOps.Tabular.ColumnTypes.Integer => ColumnType.Integer,
            MlOps.Tabular.ColumnTypes.Boolean => ColumnType.Boolean,
            MlOps.Tabular.ColumnTypes.Timestamp => ColumnType.Timestamp,
            MlOps.Tabular.ColumnTypes.String or "categorical" => ColumnType.Categorical,
            _ => 0,
        };
        return type != 0;
    }
}

namespace MlOps.Tabular;

/// <summary>
/// The one set of column type names, used by every reader, the data plane's events and schemas, and the learning
/// engine (whose <c>Categorical</c> is <see cref="String"/>). A column takes the first of integer, float, boolean,
/// timestamp that every non-null value fits, else string; a column with no values at all is string.
/// </summary>
public static class ColumnTypes
{
    public const string Integer = "integer";
    public const string Float = "float";
    public const string Boolean = "boolean";
    public const string Timestamp = "timestamp";
    public const string String = "string";

    public static IReadOnlyList<string> All { get; } = [Integer, Float, Boolean, Timestamp, String];

    public static bool IsNumeric(string type) => type is Integer or Float;
}

using MlOps.Learning.Profiling;

namespace MlOps.Validation.Schemas;

/// <summary>
/// What a dataset's batches must look like. Inferred from the first accepted batch, then readable and editable
/// through <c>GET|PUT /datasets/{dataset}/schema</c>.
/// </summary>
/// <param name="MinRows">Fewer rows than this is an ERROR.</param>
/// <param name="MaxDuplicateFraction">A larger fraction of exactly repeated rows is a WARNING.</param>
public sealed record DatasetSchema(IReadOnlyList<ColumnSchema> Columns, long MinRows = 1, double MaxDuplicateFraction = 0.05);

/// <param name="Type">integer, float, boolean, timestamp or string.</param>
/// <param name="Required">A batch without this column is rejected (ERROR); otherwise a WARNING.</param>
/// <param name="MaxNullFraction">More missing values than this fraction is an ERROR.</param>
/// <param name="Min">Numeric values below this are out of range (WARNING).</param>
/// <param name="Max">Numeric values above this are out of range (WARNING).</param>
/// <param name="Domain">For categorical columns: the expected values; others are unexpected (WARNING).</param>
/// <param name="BinEdges">For numeric columns: histogram bin edges shared by every batch, so profiles merge and compare.</param>
/// <param name="Skew">How this column's distribution is compared with the dataset's accepted history.</param>
public sealed record ColumnSchema(
    string Name,
    string Type,
    bool Required = true,
    double MaxNullFraction = 0.1,
    double? Min = null,
    double? Max = null,
    IReadOnlyList<string>? Domain = null,
    IReadOnlyList<double>? BinEdges = null,
    SkewComparator? Skew = null)
{
    public bool IsNumeric => Type is "integer" or "float";
}

/// <summary>A distance between a batch's distribution and the accepted history, and the threshold above which it is a WARNING.</summary>
/// <param name="Kind"><c>linf</c> (L-infinity over category frequencies) or <c>js</c> (Jensen–Shannon divergence over histogram bins, base 2).</param>
public sealed record SkewComparator(string Kind, double Threshold)
{
    public const string LInfinity = Skew.LInfinityKind;
    public const string JensenShannon = Skew.JensenShannonKind;
}

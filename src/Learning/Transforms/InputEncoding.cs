using MlOps.Learning.Data;

namespace MlOps.Learning.Transforms;

/// <summary>How one input column becomes model features.</summary>
public enum EncodingKind : byte
{
    /// <summary>One feature: the value itself (float, integer, boolean 0/1).</summary>
    Numeric = 1,
    /// <summary>One feature: the category's index in the fitted category list (trees split on it).</summary>
    Ordinal = 2,
    /// <summary>One 0/1 feature per fitted category; an unknown or missing category is all zeros.</summary>
    OneHot = 3,
    /// <summary>Six features from a timestamp: year, month, day of month, day of week, day of year, hour.</summary>
    TimestampParts = 4,
}

/// <summary>The fitted encoding of one input column: which features it produces.</summary>
public sealed record InputEncoding(ColumnSchema Column, EncodingKind Kind, int FirstFeature, int FeatureCount);

/// <summary>
/// Per-feature affine step applied after encoding: missing becomes <see cref="Fill"/>
/// (NaN keeps it missing, for trees that learn a default direction), then (x - Center) * Scale.
/// </summary>
public readonly record struct FeatureScaling(double Fill, double Center, double Scale)
{
    public static FeatureScaling Identity => new(double.NaN, 0, 1);

    public double Apply(double x) => ((double.IsNaN(x) ? Fill : x) - Center) * Scale;
}

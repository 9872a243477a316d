using MlOps.Contracts;
using MlOps.Learning.Data;
using MlOps.Learning.Profiling;

namespace MlOps.Monitoring.Windows;

/// <summary>Turns the reference a <c>ModelTrained</c> or <c>ModelPromoted</c> carried back into the engine's <see cref="FeatureProfile"/>.</summary>
public static class ReferenceProfiles
{
    public static FeatureProfile ToProfile(FeatureReference r)
    {
        var categorical = r.Kind == "categorical";
        var type = r.Type switch
        {
            "integer" => ColumnType.Integer,
            "boolean" => ColumnType.Boolean,
            "timestamp" => ColumnType.Timestamp,
            "categorical" => ColumnType.Categorical,
            "float" => ColumnType.Float,
            _ => categorical ? ColumnType.Categorical : ColumnType.Float,
        };
        return new FeatureProfile(r.Feature, type, r.Rows ?? 0, r.NullFraction, r.Mean ?? double.NaN, r.Std ?? double.NaN,
            categorical ? [] : [.. r.BinEdges ?? []], categorical ? [] : [.. r.Frequencies],
            [.. r.Categories ?? []], categorical ? [.. r.Frequencies] : [],
            [.. r.Values ?? []]);
    }

    /// <summary>
    /// A reference from a publisher older than the drift tests (no row count, no values) can still be compared by PSI
    /// over its bins or categories.
    /// </summary>
    public static bool NeedsPsi(FeatureReference r) => r.Rows is null || (r.Kind != "categorical" && r.Type != "boolean" && (r.Values is null || r.Values.Count == 0));
}

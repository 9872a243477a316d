using MlOps.Contracts;
using MlOps.Validation.Checks;

namespace MlOps.Validation.Data;

/// <summary>The outcome of validating one batch: its anomalies, every skew distance computed, and a profile of every column.</summary>
public sealed class ValidationReport
{
    public Guid Id { get; set; }
    public Guid BatchId { get; set; }
    public required string Dataset { get; set; }
    public required string ContentHash { get; set; }
    /// <summary>validated or rejected.</summary>
    public required string Outcome { get; set; }
    public long Rows { get; set; }
    public List<Anomaly> Anomalies { get; set; } = [];
    public long AnomalyCount { get; set; }
    public List<SkewMeasurement> Skew { get; set; } = [];
    public double DuplicateFraction { get; set; }
    public List<ColumnReport> Profile { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed record Histogram(IReadOnlyList<double> Edges, IReadOnlyList<long> Counts);

public sealed record CategoryCount(string Value, long Count);

/// <summary>One column's profile as shown in a report.</summary>
public sealed record ColumnReport(
    string Name, string Type, long Count, long Nulls, double NullFraction, long NonFinite,
    double? Mean, double? Std, double? Min, double? Max,
    IReadOnlyDictionary<string, double>? Quantiles, Histogram? Histogram, IReadOnlyList<CategoryCount>? TopValues, long Distinct);

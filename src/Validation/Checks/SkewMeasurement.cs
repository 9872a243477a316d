namespace MlOps.Validation.Checks;

/// <summary>A distribution distance, reported for every compared column whether or not it crossed its threshold.</summary>
public sealed record SkewMeasurement(string Column, string Kind, double Distance, double Threshold, bool Exceeded);

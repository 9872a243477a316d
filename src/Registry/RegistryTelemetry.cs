using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MlOps.Registry;

/// <summary>Spans for registration and the gate; metrics for versions, gate decisions and each version's holdout score.</summary>
public static class RegistryTelemetry
{
    public const string Name = "MlOps.Registry";
    public static readonly ActivitySource Source = new(Name);
    static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Versions = Meter.CreateCounter<long>("mlops.registry.versions", "{version}", "Model versions registered");
    public static readonly Counter<long> Decisions = Meter.CreateCounter<long>("mlops.registry.gate.decisions", "{decision}", "Promotion gate decisions by outcome");
    public static readonly Histogram<double> HoldoutScore = Meter.CreateHistogram<double>("mlops.registry.holdout.score", null, "Each version's holdout score on its gate metric");
}

using MlOps.Contracts;

namespace MlOps.Monitoring.Data;

/// <summary>A trained model's reference profile and holdout metrics from <c>ModelTrained</c>, found by the artifact a promotion names.</summary>
public sealed class ModelReference
{
    public string Model { get; set; } = "";
    public string ArtifactHash { get; set; } = "";
    /// <summary>Set when a promotion names this artifact.</summary>
    public int? Version { get; set; }
    public Guid RunId { get; set; }
    public string? Task { get; set; }
    public string? Target { get; set; }
    public List<FeatureReference> Features { get; set; } = [];
    public FeatureReference? TargetReference { get; set; }
    public Dictionary<string, double> Metrics { get; set; } = [];
    public DateTimeOffset TrainedAt { get; set; }
}

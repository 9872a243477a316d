using MlOps.Contracts;

namespace MlOps.Registry.Data;

public static class GateDecisions
{
    public const string Promoted = "promoted";
    public const string Declined = "declined";
    public const string AwaitingApproval = "awaiting_approval";
}

/// <summary>
/// One registered version with its full lineage, written once from <c>ModelTrained</c> together with the gate's
/// decision. Nothing about it changes afterwards; the API answers 409 to any attempt.
/// </summary>
public sealed class ModelVersion
{
    public required string Model { get; set; }
    public int Version { get; set; }
    public Guid RunId { get; set; }
    public required string ArtifactHash { get; set; }

    public required string Dataset { get; set; }
    public int? DatasetNumber { get; set; }
    public required string DatasetHash { get; set; }
    public List<string> BatchHashes { get; set; } = [];
    public List<long>? BatchRows { get; set; }
    public long DatasetRows { get; set; }

    public required string DefinitionHash { get; set; }
    public required string Trainer { get; set; }
    public Dictionary<string, double> Params { get; set; } = [];
    public int Seed { get; set; }
    public required string CodeVersion { get; set; }
    public Dictionary<string, double> Metrics { get; set; } = [];
    public List<FeatureReference> ReferenceProfile { get; set; } = [];
    public string? Task { get; set; }
    public string? Target { get; set; }
    public long TrainRows { get; set; }
    public HoldoutReference? Holdout { get; set; }
    public PromotionPolicy? Promotion { get; set; }
    public required string Trigger { get; set; }
    public Guid CorrelationId { get; set; }
    public DateTimeOffset TrainedAt { get; set; }
    public DateTimeOffset RegisteredAt { get; set; }

    public required string GateDecision { get; set; }
    public required string GateReason { get; set; }
    public MetricComparison? GateComparison { get; set; }
    public int? GateChampionVersion { get; set; }
}

using MlOps.Contracts;

namespace MlOps.Monitoring.Data;

/// <summary>
/// One model as Monitoring follows it: the drift policy and alert webhook of its pipeline, its champion, and the window
/// being filled. Every change to the window happens under this row's lock.
/// </summary>
public sealed class MonitoredModel
{
    public string Name { get; set; } = "";

    // From PipelineDefined (model name = pipeline name); defaults until the definition arrives.
    public string? Task { get; set; }
    public string? Target { get; set; }
    public int WindowRows { get; set; } = DriftDefaults.WindowRows;
    public double KsPValue { get; set; } = DriftDefaults.KsPValue;
    public double Psi { get; set; } = DriftDefaults.Psi;
    public double DriftShare { get; set; } = DriftDefaults.DriftShare;
    public int CooldownSeconds { get; set; }
    public string? Webhook { get; set; }
    public string? DefinitionHash { get; set; }
    public DateTimeOffset? DefinedAt { get; set; }

    // From ModelPromoted.
    public int? ChampionVersion { get; set; }
    public string? ChampionArtifactHash { get; set; }
    /// <summary>The champion's reference as the promotion carried it, used until (or unless) its ModelTrained is here.</summary>
    public List<FeatureReference>? ChampionProfile { get; set; }
    public DateTimeOffset? PromotedAt { get; set; }

    // The window being filled: its number, rows so far and the time span of the predictions in it.
    public int OpenWindow { get; set; } = 1;
    public long OpenRows { get; set; }
    public DateTimeOffset? OpenStart { get; set; }
    public DateTimeOffset? OpenEnd { get; set; }

    public DateTimeOffset? LastDriftAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>The drift section's defaults (DESIGN §4), used until the pipeline's definition arrives.</summary>
public static class DriftDefaults
{
    public const int WindowRows = 500;
    public const double KsPValue = 0.05;
    public const double Psi = 0.2;
    public const double DriftShare = 0.5;
}

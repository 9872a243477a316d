namespace MlOps.Serving.Data;

/// <summary>
/// What Serving knows of one model from the bus: its champion (from <c>ModelPromoted</c>), its latest registered
/// version (from <c>ModelRegistered</c>, the shadow candidate) and its pipeline's shadow share (from <c>PipelineDefined</c>).
/// Loaded at start-up, so a restarted Serving serves the champion at once.
/// </summary>
public sealed class ServedModel
{
    public required string Name { get; set; }
    public int? ChampionVersion { get; set; }
    public string? ChampionArtifactHash { get; set; }

    /// <summary>The registry's time of the promotion applied: the version guard (<see cref="Models.PromotionStamp"/>).</summary>
    public DateTimeOffset? ChampionPromotedAt { get; set; }

    public int? LatestVersion { get; set; }
    public string? LatestArtifactHash { get; set; }
    public double ShadowShare { get; set; }

    /// <summary>When the pipeline definition applied was made; an older <c>PipelineDefined</c> is ignored.</summary>
    public DateTimeOffset? PolicyDefinedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

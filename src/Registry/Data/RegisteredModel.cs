namespace MlOps.Registry.Data;

/// <summary>A model (= pipeline) and its <c>champion</c> alias. Its row is the lock that numbers versions one at a time.</summary>
public sealed class RegisteredModel
{
    public required string Name { get; set; }
    public int LatestVersion { get; set; }
    public int? ChampionVersion { get; set; }
    public DateTimeOffset? ChampionSince { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

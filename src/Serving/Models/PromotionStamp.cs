using MlOps.Serving.Data;

namespace MlOps.Serving.Models;

/// <summary>
/// The version guard on promotions: which of two <c>ModelPromoted</c> for one model the registry made last.
/// </summary>
/// <remarks>
/// The order is the registry's: <c>OccurredAt</c> is the registry's clock when it moved the champion alias, and it
/// moves a model's alias under that model's row lock, so its promotions of one model are stamped in the order it made
/// them, whatever order the bus delivers them in. Version numbers cannot order promotions: a rollback promotes an older
/// version, and must win over the promotion it undoes. On an equal time (not expected from one registry) the higher
/// version wins, so every replica picks the same one.
/// </remarks>
public readonly record struct PromotionStamp(DateTimeOffset At, int Version)
{
    public bool IsNewerThan(PromotionStamp? other) =>
        other is not { } o || At > o.At || (At == o.At && Version > o.Version);

    public static PromotionStamp? Of(ServedModel row) =>
        row is { ChampionVersion: { } v, ChampionPromotedAt: { } at } ? new PromotionStamp(at, v) : null;

    public override string ToString() => $"v{Version} promoted at {At:O}";
}

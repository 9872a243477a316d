using System.Collections.Concurrent;
using MlOps.Serving.Data;

namespace MlOps.Serving.Models;

/// <summary>
/// The models this process serves. A change is loaded in full first (artifact read, verified, parsed) and then made
/// visible by replacing one reference, so a request never sees a half-loaded model and never fails because of a swap.
/// </summary>
public sealed class ServedModels(ModelLoader loader, ILogger<ServedModels> logger)
{
    readonly ConcurrentDictionary<string, ModelSlot> _slots = new(StringComparer.Ordinal);

    public ModelSlot? Find(string model) => _slots.TryGetValue(model, out var slot) ? slot : null;

    public IEnumerable<ServingState> All => _slots.Values.Select(s => s.State);

    /// <summary>
    /// Brings the served state up to <paramref name="row"/> (servingdb's record of the model), loading what it names.
    /// Guards make any order of calls safe: an older promotion never replaces a newer one, a lower latest version never
    /// replaces a higher one, an older pipeline definition never replaces a newer one.
    /// </summary>
    public async Task ApplyAsync(ServedModel row, CancellationToken ct)
    {
        var slot = _slots.GetOrAdd(row.Name, name => new ModelSlot(name));
        await slot.Swapping.WaitAsync(ct);
        try
        {
            var s = slot.State;
            var champion = s.Champion;
            var applied = s.Applied;
            var problem = s.Problem;

            if (PromotionStamp.Of(row) is { } wanted && wanted.IsNewerThan(applied))
            {
                try
                {
                    champion = await LoadOrReuseAsync(row.Name, wanted.Version, row.ChampionArtifactHash!, s, ct);
                    applied = wanted;
                    problem = null;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    problem = $"champion v{wanted.Version} could not be loaded: {e.Message}";
                    ServingTelemetry.LoadFailures.Add(1, new("model", row.Name), new("version", wanted.Version));
                    logger.LogError("{Model}: champion v{Version} could not be loaded; {Serving}. Retrying at the next sync. {Error}", row.Name, wanted.Version,
                        champion is null ? "nothing is served" : $"v{champion.Version} stays served", e.Message);
                }
            }

            var (share, policyAt) = (s.ShadowShare, s.PolicyAt);
            if (row.PolicyDefinedAt is { } definedAt && (policyAt is null || definedAt > policyAt))
                (share, policyAt) = (Math.Clamp(row.ShadowShare, 0, 1), definedAt);

            var shadow = await ShadowAsync(row, s, champion, share, ct);
            slot.Set(new ServingState(row.Name, champion, applied, problem, shadow, share, policyAt));

            if (champion is not null && champion != s.Champion)
            {
                ServingTelemetry.Swaps.Add(1, new("model", row.Name), new("version", champion.Version));
                logger.LogInformation("{Model}: serving v{Version} ({Artifact}){Previous}", row.Name, champion.Version, champion.ArtifactHash,
                    s.Champion is { } old ? $", replacing v{old.Version}" : "");
            }
            if (shadow is not null && shadow != s.Shadow)
                logger.LogInformation("{Model}: v{Version} predicts in shadow on {Share:P0} of requests", row.Name, shadow.Version, share);
        }
        finally
        {
            slot.Swapping.Release();
        }
    }

    /// <summary>The shadow version: the latest registered version when it is newer than the champion and the share is above 0.</summary>
    async Task<LoadedModel?> ShadowAsync(ServedModel row, ServingState s, LoadedModel? champion, double share, CancellationToken ct)
    {
        if (share <= 0 || champion is null)
            return null;
        var current = s.Shadow is { } held && held.Version > champion.Version ? held : null;
        if (row.LatestVersion is not { } latest || latest <= champion.Version || row.LatestArtifactHash is null || (current is not null && current.Version >= latest))
            return current;
        try
        {
            return await LoadOrReuseAsync(row.Name, latest, row.LatestArtifactHash, s, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            ServingTelemetry.LoadFailures.Add(1, new("model", row.Name), new("version", latest));
            logger.LogWarning("{Model}: shadow candidate v{Version} could not be loaded; no shadow predictions until it can. {Error}", row.Name, latest, e.Message);
            return current;
        }
    }

    async Task<LoadedModel> LoadOrReuseAsync(string model, int version, string artifactHash, ServingState s, CancellationToken ct)
    {
        // A rollback to the version in shadow, or the shadow version promoted: the bytes are loaded already.
        if (s.Champion?.ArtifactHash == artifactHash)
            return s.Champion.As(model, version);
        if (s.Shadow?.ArtifactHash == artifactHash)
            return s.Shadow.As(model, version);
        return await loader.LoadAsync(model, version, artifactHash, ct);
    }
}

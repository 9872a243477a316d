namespace MlOps.Serving.Models;

/// <summary>
/// What one model serves right now: an immutable snapshot, replaced as a whole. A request reads it once, so the champion
/// and shadow it uses belong together and stay valid until it ends, whatever is swapped in meanwhile.
/// </summary>
/// <param name="Champion">The loaded champion; null before the first one loads.</param>
/// <param name="Applied">The promotion <paramref name="Champion"/> came from.</param>
/// <param name="Problem">Why a newer promotion is not served yet (its artifact failed to load), else null.</param>
/// <param name="Shadow">The latest version newer than the champion, when the pipeline asks for shadow predictions.</param>
public sealed record ServingState(
    string Model,
    LoadedModel? Champion,
    PromotionStamp? Applied,
    string? Problem,
    LoadedModel? Shadow,
    double ShadowShare,
    DateTimeOffset? PolicyAt)
{
    public static ServingState Empty(string model) => new(model, null, null, null, null, 0, null);
}

/// <summary>One model's current <see cref="ServingState"/>, the lock that serialises its swaps, and its shadow sampler.</summary>
public sealed class ModelSlot(string model)
{
    ServingState _state = ServingState.Empty(model);
    long _requests;
    long _shadowCompared;
    long _shadowAgreed;

    public ServingState State => Volatile.Read(ref _state);

    internal SemaphoreSlim Swapping { get; } = new(1, 1);

    internal void Set(ServingState state) => Volatile.Write(ref _state, state);

    /// <summary>Whether this request also goes to the shadow version: exactly <paramref name="share"/> of requests, evenly spread.</summary>
    public bool SampleShadow(double share) => ShadowSampling.Take(Interlocked.Increment(ref _requests), share);

    /// <summary>Shadow predictions compared with the champion's since start, and how many agreed.</summary>
    public (long Compared, long Agreed) ShadowAgreement => (Interlocked.Read(ref _shadowCompared), Interlocked.Read(ref _shadowAgreed));

    internal void RecordShadow(int compared, int agreed)
    {
        Interlocked.Add(ref _shadowCompared, compared);
        Interlocked.Add(ref _shadowAgreed, agreed);
    }
}

public static class ShadowSampling
{
    /// <summary>
    /// Deterministic sampling: request <paramref name="n"/> (1-based) is taken when ⌊n·share⌋ passes an integer, so any
    /// run of requests holds the share to within one request, with no randomness to seed.
    /// </summary>
    public static bool Take(long n, double share)
    {
        if (share <= 0 || n < 1) return false;
        if (share >= 1) return true;
        return Math.Floor(n * share) > Math.Floor((n - 1) * share);
    }
}

namespace MlOps.AppHost.Orchestration;

/// <summary>
/// Exponential backoff between restarts of a crashing process. A process that stayed up for
/// <see cref="StableAfter"/> starts again from the shortest delay: its next crash is a new problem, not the same loop.
/// </summary>
public sealed record RestartPolicy(TimeSpan InitialDelay, TimeSpan MaxDelay, TimeSpan StableAfter)
{
    public static RestartPolicy Default { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60));

    /// <summary>The wait before restart number <paramref name="consecutiveFailures"/> (1-based): 1 s, 2 s, 4 s, … up to the cap.</summary>
    public TimeSpan DelayFor(int consecutiveFailures)
    {
        var doublings = Math.Clamp(consecutiveFailures - 1, 0, 30);
        var ticks = Math.Min(InitialDelay.Ticks * (1L << doublings), MaxDelay.Ticks);
        return TimeSpan.FromTicks(ticks);
    }
}

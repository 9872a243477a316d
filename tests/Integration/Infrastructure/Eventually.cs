namespace MlOps.Tests.Integration.Infrastructure;

/// <summary>Waits on observable conditions instead of fixed sleeps.</summary>
public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, TimeSpan? poll = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{what} did not happen within {timeout.TotalSeconds:0} s");
            await Task.Delay(poll ?? TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>
    /// Polls <paramref name="progress"/> until it reaches <paramref name="target"/>, failing only when it stops moving for
    /// <paramref name="stall"/>: long work that keeps progressing is not cut off, stuck work fails fast.
    /// </summary>
    public static async Task<long> ProgressesToAsync(Func<Task<long>> progress, long target, TimeSpan stall, string what)
    {
        var last = long.MinValue;
        var lastChange = DateTime.UtcNow;
        while (true)
        {
            var now = await progress();
            if (now >= target)
                return now;
            if (now != last)
                (last, lastChange) = (now, DateTime.UtcNow);
            else if (DateTime.UtcNow - lastChange > stall)
                throw new TimeoutException($"{what}: stuck at {now} of {target} for {stall.TotalSeconds:0} s");
            await Task.Delay(250);
        }
    }
}

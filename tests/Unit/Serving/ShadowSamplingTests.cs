using MlOps.Serving.Models;

namespace MlOps.Tests.Unit.Serving;

public sealed class ShadowSamplingTests
{
    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.1, 100)]
    [InlineData(0.25, 250)]
    [InlineData(0.333, 333)]
    [InlineData(1.0, 1000)]
    public void Exactly_the_share_of_requests_is_sampled(double share, int expected)
    {
        Assert.Equal(expected, Enumerable.Range(1, 1000).Count(n => ShadowSampling.Take(n, share)));
    }

    [Fact]
    public void Samples_are_spread_evenly_not_bunched_at_the_start()
    {
        var taken = Enumerable.Range(1, 100).Where(n => ShadowSampling.Take(n, 0.2)).ToList();
        Assert.Equal([5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 95, 100], taken);
    }

    [Fact]
    public void A_slot_samples_its_requests_deterministically_across_threads()
    {
        var slot = new ModelSlot("m");
        var taken = 0;
        Parallel.For(0, 10_000, _ => { if (slot.SampleShadow(0.3)) Interlocked.Increment(ref taken); });
        Assert.Equal(3000, taken);
    }
}

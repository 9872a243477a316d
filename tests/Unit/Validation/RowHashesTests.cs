using MlOps.Validation.Profiling;

namespace MlOps.Tests.Unit.Validation;

public sealed class RowHashesTests
{
    [Fact]
    public void Counts_every_repeat_of_an_earlier_hash()
    {
        var hashes = new RowHashes();
        hashes.Add([5, 1, 5, 2, 1, 5, 0, 0]);

        Assert.Equal(4, hashes.Duplicates());
    }

    [Fact]
    public void Counts_the_same_across_both_sorted_halves_of_a_large_set_and_after_more_are_added()
    {
        var rng = new Random(9);
        var values = Enumerable.Range(0, 300_000).Select(_ => (ulong)rng.Next(200_000)).ToArray();
        var hashes = new RowHashes();
        hashes.Add(values.AsSpan(0, 150_000));
        Assert.Equal(150_000 - values.Take(150_000).Distinct().Count(), hashes.Duplicates());

        hashes.Add(values.AsSpan(150_000));

        Assert.Equal(values.Length - values.Distinct().Count(), hashes.Duplicates());
    }
}

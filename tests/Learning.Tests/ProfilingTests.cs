using MlOps.Learning.Data;
using MlOps.Learning.Profiling;

namespace MlOps.Tests.Learning;

public sealed class ProfilingTests
{
    static double[] Precipitation()
    {
        using var csv = File.OpenRead(Generated.TestData("seattle-weather.csv"));
        return TabularFrame.ReadCsv(csv)["precipitation"].Numbers.ToArray();
    }

    [Fact]
    public void Seattle_precipitation_has_a_median_of_zero_in_the_reference_profile()
    {
        var values = Precipitation();
        var profile = ReferenceProfile.Profile(Column.Numeric("precipitation", ColumnType.Float, values));

        // 57% of the days are dry: every decile up to the median is exactly 0.
        Assert.True(values.Count(v => v == 0) > values.Length / 2);
        Assert.Equal(new double[6], profile.Quantiles[..6]);
        Assert.True(profile.Quantiles[6] > 0);
        Assert.Equal(values.Max(), profile.Quantiles[^1]);
        // Bin 0 holds the values at most the first inner quantile: all the dry days.
        Assert.Equal(values.Count(v => v == 0) / (double)values.Length, profile.BinShares[0], 12);
    }

    [Fact]
    public void A_column_where_most_values_are_one_number_reports_that_number_as_its_middle_quantiles()
    {
        var rng = new Random(3);
        var profile = new ColumnProfile { Name = "x" };
        for (var i = 0; i < 200_000; i++)
            profile.AddNumber(rng.NextDouble() < 0.6 ? 0 : 1 + rng.NextDouble() * 50);

        Assert.Equal(0, profile.Quantile(0.05));
        Assert.Equal(0, profile.Quantile(0.5));
        Assert.True(profile.Quantile(0.75) > 1);
        Assert.True(profile.Sample!.Count <= QuantileSample.DefaultCapacity);
    }

    [Fact]
    public void Quantiles_are_exact_while_every_value_is_kept()
    {
        var sample = new QuantileSample();
        for (var i = 0; i <= 10_000; i++)
            sample.Add(i / 100.0);

        Assert.True(sample.HasAllValues);
        Assert.Equal(50, sample.Quantile(0.5));
        Assert.Equal(95, sample.Quantile(0.95), 12);
        Assert.Equal(0, sample.Quantile(0));
        Assert.Equal(100, sample.Quantile(1));
    }

    [Fact]
    public void The_sample_stays_bounded_and_its_quantiles_close_for_a_million_values()
    {
        var rng = new Random(11);
        var values = Enumerable.Range(0, 1_000_000).Select(_ => rng.NextDouble()).ToArray();
        var sample = new QuantileSample(4096);
        foreach (var v in values) sample.Add(v);

        Assert.InRange(sample.Count, 2048, 4096);
        Assert.Equal(1_000_000, sample.Seen);
        Assert.Equal(256, sample.Stride);
        var sorted = values.Order().ToArray();
        foreach (var q in new[] { 0.05, 0.25, 0.5, 0.75, 0.95 })
            Assert.Equal(QuantileSample.Quantile(sorted, q), sample.Quantile(q), 0.02);
    }

    [Theory]
    [InlineData(100, 1000)]   // every stretch kept all its values: the merged sample is the one-pass sample
    [InlineData(700, 1000)]
    [InlineData(5000, 1000)]  // stretches larger than the capacity: still one value per stride of the merged sample
    public void Merging_stretches_in_order_gives_the_one_pass_sample(int stretch, int capacity)
    {
        var rng = new Random(5);
        var values = Enumerable.Range(0, 23_456).Select(_ => Math.Round(rng.NextDouble() * 100, 1)).ToArray();
        var onePass = new QuantileSample(capacity);
        foreach (var v in values) onePass.Add(v);

        var merged = new QuantileSample(capacity);
        for (var start = 0; start < values.Length; start += stretch)
        {
            var part = new QuantileSample(capacity);
            foreach (var v in values.AsSpan(start, Math.Min(stretch, values.Length - start))) part.Add(v);
            merged.Merge(part);
        }

        Assert.Equal(onePass.Seen, merged.Seen);
        Assert.InRange(merged.Count, capacity / 2, capacity);
        if (stretch <= capacity)
        {
            Assert.Equal(onePass.Stride, merged.Stride);
            Assert.Equal(onePass.Sorted().ToArray(), merged.Sorted().ToArray());
        }
        else
        {
            // About 700 values kept from 23,456: within a few percent of the range of the exact quantiles.
            var sorted = values.Order().ToArray();
            foreach (var q in new[] { 0.05, 0.5, 0.95 })
                Assert.Equal(QuantileSample.Quantile(sorted, q), merged.Quantile(q), 4.0);
        }
    }

    [Fact]
    public void A_whole_column_profiles_as_its_values_one_by_one()
    {
        var rng = new Random(9);
        var values = Enumerable.Range(0, 150_000).Select(i => i % 17 == 0 ? double.NaN : i % 1001 == 0 ? double.PositiveInfinity : Math.Floor(rng.NextDouble() * 20)).ToArray();
        double[] edges = [0, 5, 10, 15, 20];

        var whole = new ColumnProfile { Name = "x" };
        whole.WithEdges(edges);
        whole.AddColumn(values);
        var oneByOne = new ColumnProfile { Name = "x" };
        oneByOne.WithEdges(edges);
        foreach (var v in values)
        {
            oneByOne.Count++;
            if (double.IsNaN(v)) oneByOne.Nulls++;
            else oneByOne.AddNumber(v);
        }

        Assert.Equal((oneByOne.Count, oneByOne.Nulls, oneByOne.NonFinite, oneByOne.Numeric, oneByOne.Min, oneByOne.Max),
            (whole.Count, whole.Nulls, whole.NonFinite, whole.Numeric, whole.Min, whole.Max));
        Assert.Equal(oneByOne.Bins, whole.Bins);
        Assert.Equal(oneByOne.Sample!.Sorted().ToArray(), whole.Sample!.Sorted().ToArray());
        Assert.Equal(oneByOne.Mean, whole.Mean, 9);
        Assert.Equal(oneByOne.Std, whole.Std, 9);
    }

    [Fact]
    public void A_profile_read_back_from_json_keeps_its_counts_and_has_no_quantiles()
    {
        var profile = new ColumnProfile { Name = "x" };
        profile.WithEdges([0, 1]);
        foreach (var v in new[] { 0.5, 0.25, 2, -1 }) { profile.Count++; profile.AddNumber(v); }

        var json = System.Text.Json.JsonSerializer.Serialize(profile);
        var back = System.Text.Json.JsonSerializer.Deserialize<ColumnProfile>(json)!;

        Assert.DoesNotContain("Sample", json);
        Assert.Equal((4L, 4L, -1.0, 2.0), (back.Count, back.Numeric, back.Min!.Value, back.Max!.Value));
        Assert.Equal([1, 2, 1], back.Bins!);
        Assert.Equal(0.375, profile.Quantile(0.5));
        Assert.Null(back.Quantile(0.5));
        back.Merge(profile);
        Assert.Null(back.Quantile(0.5)); // the stored history's values are not all in a sample, so no quantiles
        Assert.Equal(8, back.Numeric);
    }

    [Fact]
    public void Reference_bins_hold_at_most_their_upper_quantile_as_profiles_written_before_the_one_binning_rule()
    {
        // The rule artifacts were written with: bin b is the first whose upper quantile is >= the value.
        static int Written(double v, double[] q)
        {
            for (var b = 0; b < q.Length - 2; b++) if (v <= q[b + 1]) return b;
            return q.Length - 2;
        }
        var rng = new Random(2);
        var values = Enumerable.Range(0, 5000).Select(_ => (double)rng.Next(0, 6) * (rng.NextDouble() < 0.5 ? 1 : 0)).ToArray();
        var profile = ReferenceProfile.Profile(Column.Numeric("x", ColumnType.Integer, values));

        var expected = new double[profile.Quantiles.Length - 1];
        foreach (var v in values) expected[Written(v, profile.Quantiles)]++;
        for (var b = 0; b < expected.Length; b++) expected[b] /= values.Length;

        Assert.Equal(expected, profile.BinShares);
        Assert.Equal(expected, ReferenceProfile.BinShares(values, profile.Quantiles));
        var sorted = values.Order().ToArray();
        Assert.Equal(0, DriftStatistics.PopulationStabilityIndexOfSorted(profile, sorted), 12);
        Assert.Equal(0, DriftStatistics.PopulationStabilityIndex(profile, values), 12);
    }

    [Fact]
    public void Binning_puts_each_value_in_the_bin_whose_lower_edge_it_reaches()
    {
        double[] edges = [0, 1, 2];
        Assert.Equal([0, 1, 1, 2, 3, 3], new[] { -0.5, 0, 0.5, 1, 2, 7 }.Select(x => Binning.BinOf(edges, x)));
        Assert.Equal([1L, 2, 1, 2], Binning.Counts([-0.5, 0, 0.5, 1, 2, 7, double.NaN], edges));
        Assert.Equal([1L, 2, 1, 2], Binning.CountsOfSorted([-0.5, 0, 0.5, 1, 2, 7], edges));
    }
}

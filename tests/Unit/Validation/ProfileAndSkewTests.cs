using System.Text;
using MlOps.Contracts;
using MlOps.Learning.Profiling;
using MlOps.ServiceDefaults.Batches;
using MlOps.Tabular;
using MlOps.Validation.Checks;
using MlOps.Validation.Profiling;
using MlOps.Validation.Schemas;

namespace MlOps.Tests.Unit.Validation;

public sealed class ProfileAndSkewTests
{
    static (BatchScan Scan, BatchProfiler Profiler) Profile(string csv, DatasetSchema? schema = null)
    {
        var profiler = new BatchProfiler(schema);
        var scan = BatchScan.Scan(new MemoryStream(Encoding.UTF8.GetBytes(csv)), BatchFormats.Csv, new TabularLimits(), profiler);
        return (scan, profiler);
    }

    static DatasetSchema Numeric(double min, double max) =>
        new([new ColumnSchema("v", "float", Min: min, Max: max, BinEdges: SchemaInference.Edges(min, max), Skew: new SkewComparator("js", 0.1))]);

    [Fact]
    public void Merging_two_profiles_equals_profiling_both_batches_together()
    {
        var schema = Numeric(0, 100);
        var rng = new Random(7);
        var a = Enumerable.Range(0, 500).Select(_ => (rng.NextDouble() * 120 - 10).ToString("R")).ToList();
        var b = Enumerable.Range(0, 300).Select(_ => (rng.NextDouble() * 50).ToString("R")).ToList();

        var merged = Profile("v\n" + string.Join('\n', a), schema).Profiler.Columns[0];
        merged.Merge(Profile("v\n" + string.Join('\n', b), schema).Profiler.Columns[0]);
        var together = Profile("v\n" + string.Join('\n', a.Concat(b)), schema).Profiler.Columns[0];

        Assert.Equal(together.Numeric, merged.Numeric);
        Assert.Equal(together.Mean, merged.Mean, 9);
        Assert.Equal(together.Std, merged.Std, 9);
        Assert.Equal(together.Min, merged.Min);
        Assert.Equal(together.Max, merged.Max);
        Assert.Equal(together.Bins, merged.Bins);
    }

    [Fact]
    public void Quantiles_are_the_exact_ones_of_the_values_not_interpolated_inside_a_bin()
    {
        var values = Enumerable.Range(0, 10_001).Select(i => i / 100.0).ToList();
        var profile = Profile("v\n" + string.Join('\n', values), Numeric(0, 100)).Profiler.Columns[0];

        Assert.Equal(50, profile.Quantile(0.5));
        Assert.Equal(95, profile.Quantile(0.95)!.Value, 12);
    }

    static readonly string SeattleCsv = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "data", "seattle-weather.csv"));

    // As BatchValidator reads a dataset's first batch: a pass without schema, the inferred schema, a pass with its bins.
    static (BatchScan Scan, BatchProfiler Profiler) ValidateFirstBatch(string csv)
    {
        var (scan, profiler) = Profile(csv);
        return Profile(csv, SchemaInference.Infer(scan, profiler));
    }

    [Fact]
    public void Seattle_precipitation_reports_a_median_of_zero()
    {
        var (scan, profiler) = ValidateFirstBatch(SeattleCsv);

        var report = Reports.Columns(scan, profiler).Single(c => c.Name == "precipitation");

        // 57% of the days are dry (interpolating inside the first histogram bin used to give 1.87).
        Assert.Equal(0, report.Quantiles!["p50"]);
        Assert.Equal(0, report.Quantiles["p25"]);
        Assert.True(report.Quantiles["p75"] > 0);
        Assert.Equal(SchemaInference.HistogramBins + 2, report.Histogram!.Counts.Count);
    }

    [Fact]
    public void Validation_and_the_reference_profile_give_the_same_quantiles_for_a_column()
    {
        var (_, profiler) = ValidateFirstBatch(SeattleCsv);
        var frame = MlOps.Learning.Data.TabularFrame.ReadCsv(new MemoryStream(Encoding.UTF8.GetBytes(SeattleCsv)));

        foreach (var name in new[] { "precipitation", "temp_max", "wind" })
        {
            var batch = profiler.Columns.Single(c => c.Name == name);
            var reference = ReferenceProfile.Profile(frame[name]);
            for (var d = 1; d < ReferenceProfile.QuantileCount - 1; d++)
                Assert.Equal(reference.Quantiles[d], batch.Quantile(d / 10.0));
            Assert.Equal((reference.Quantiles[0], reference.Quantiles[^1]), (batch.Min, batch.Max));
            Assert.Equal(reference.Mean, batch.Mean, 9);
        }
    }

    [Fact]
    public void A_batch_mostly_of_one_value_read_in_many_stretches_reports_that_value_as_its_median()
    {
        var rng = new Random(4);
        var csv = new StringBuilder("v,w\n");
        for (var i = 0; i < 200_000; i++)
            csv.Append(rng.NextDouble() < 0.6 ? "0" : (rng.NextDouble() * 30).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)).Append(",x\n");

        var (scan, profiler) = ValidateFirstBatch(csv.ToString());
        var report = Reports.Columns(scan, profiler).Single(c => c.Name == "v");

        Assert.Equal(0, report.Quantiles!["p50"]);
        Assert.True(profiler.Columns[0].Sample!.Count <= QuantileSample.DefaultCapacity);
    }

    [Fact]
    public void A_history_stored_before_the_shared_profile_reads_back_and_merges_with_a_new_batch()
    {
        // A dataset's history as the jsonb column held it (web naming), written by Validation's former profile class.
        const string stored = """
            [{"name":"v","count":4,"nulls":1,"nonFinite":0,"numeric":3,"mean":20,"m2":200,"min":10,"max":30,
              "edges":[0,50,100.00000000000001],"bins":[0,3,0,0],"categories":{},"std":10}]
            """;
        var web = new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web);
        var history = System.Text.Json.JsonSerializer.Deserialize<List<ColumnProfile>>(stored, web)![0];
        var batch = Profile("v\n10\n20\n30\n", new DatasetSchema([new ColumnSchema("v", "float", BinEdges: [0, 50, 100.00000000000001])])).Profiler.Columns[0];

        Assert.Equal(0, Skew.Compare(batch, history, "js"));
        history.Merge(batch);

        Assert.Equal((7L, 1L, 6L, 10.0, 30.0), (history.Count, history.Nulls, history.Numeric, history.Min!.Value, history.Max!.Value));
        Assert.Equal([0L, 6, 0, 0], history.Bins!);
        Assert.Equal(20, history.Mean, 12);
        var written = System.Text.Json.JsonSerializer.Serialize(history, web);
        string[] shape = ["name", "count", "nulls", "nonFinite", "numeric", "mean", "m2", "min", "max", "edges", "bins", "categories", "std"];
        Assert.Equal(shape.Order(StringComparer.Ordinal),
            System.Text.Json.JsonDocument.Parse(written).RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Jensen_shannon_is_zero_for_the_same_distribution_and_one_for_disjoint_ones()
    {
        Assert.Equal(0, Skew.JensenShannon([10, 20, 30], [1, 2, 3]), 12);
        Assert.Equal(1, Skew.JensenShannon([10, 0], [0, 5]), 12);
        Assert.InRange(Skew.JensenShannon([10, 10], [15, 5]), 0.01, 0.2);
    }

    [Fact]
    public void L_infinity_is_the_largest_frequency_difference()
    {
        var distance = Skew.LInfinity(new Dictionary<string, long> { ["rain"] = 50, ["sun"] = 50 }, new Dictionary<string, long> { ["rain"] = 80, ["sun"] = 10, ["fog"] = 10 });

        Assert.Equal(0.4, distance, 12);
    }

    [Fact]
    public void The_inferred_schema_gives_ranges_domains_and_room_for_nulls()
    {
        var (scan, profiler) = Profile("n,c,t\n1.5,a,2020-01-01\n2.5,b,2020-01-02\n,a,2020-01-03\n3,a,2020-01-04\n");

        var schema = SchemaInference.Infer(scan, profiler);

        var n = schema.Columns[0];
        Assert.Equal(("float", 1.5, 3.0), (n.Type, n.Min!.Value, n.Max!.Value));
        Assert.Equal(0.5, n.MaxNullFraction);
        Assert.Equal("js", n.Skew!.Kind);
        Assert.Equal(["a", "b"], schema.Columns[1].Domain!);
        Assert.Equal("timestamp", schema.Columns[2].Type);
        Assert.Null(schema.Columns[2].Skew);
    }

    [Fact]
    public void Schema_checks_find_each_kind_of_anomaly_with_its_severity()
    {
        var schema = new DatasetSchema(
        [
            new ColumnSchema("x", "float", MaxNullFraction: 0.1, Min: 0, Max: 10),
            new ColumnSchema("c", "string", Domain: ["a", "b"]),
            new ColumnSchema("gone", "integer"),
            new ColumnSchema("i", "integer"),
        ], MinRows: 5, MaxDuplicateFraction: 0.1);
        var (scan, profiler) = Profile("x,c,i,extra\n11,a,1,q\n,z,x,q\nNaN,a,1,q\n-1,a,1,q\n-1,a,1,q\n", schema);

        var (anomalies, _) = SchemaChecks.Run(schema, scan, profiler, null);
        var kinds = anomalies.Select(a => (a.Kind, a.Column, a.Severity)).ToList();

        Assert.Contains(("missing_column", "gone", "ERROR"), kinds);
        Assert.Contains(("new_column", "extra", "WARNING"), kinds);
        Assert.Contains(("type_mismatch", "i", "ERROR"), kinds);
        Assert.Contains(("null_fraction", "x", "ERROR"), kinds);
        Assert.Contains(("non_finite", "x", "ERROR"), kinds);
        Assert.Contains(("out_of_range", "x", "WARNING"), kinds);
        Assert.Contains(("unexpected_values", "c", "WARNING"), kinds);
        Assert.Contains(("duplicate_rows", null, "WARNING"), kinds);
        Assert.DoesNotContain(kinds, k => k.Kind == "too_few_rows");
    }

    [Fact]
    public void An_edited_schema_with_problems_is_refused_naming_each()
    {
        var problems = SchemaRules.Problems(new DatasetSchema(
        [
            new ColumnSchema("a", "decimal"),
            new ColumnSchema("a", "float", Min: 5, Max: 1),
            new ColumnSchema("s", "string", Skew: new SkewComparator("js", 0.1)),
        ]));

        Assert.Contains(problems, p => p.Contains("'decimal'"));
        Assert.Contains(problems, p => p.Contains("appears twice"));
        Assert.Contains(problems, p => p.Contains("min 5 is above max 1"));
        Assert.Contains(problems, p => p.Contains("needs binEdges"));
    }
}

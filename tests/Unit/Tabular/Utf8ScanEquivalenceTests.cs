using MlOps.ServiceDefaults.Batches;
using System.Text;
using MlOps.Tabular;
using MlOps.Validation.Profiling;
using MlOps.Validation.Schemas;

namespace MlOps.Tests.Unit.Tabular;

/// <summary>
/// The parallel byte path (stretches read on several threads, merged in order) must find what the reference path (one
/// string per field, one thread) finds: the same types, counts, problems and profiles, and the same errors at the same
/// lines and columns. Small stretch sizes make every batch span many stretches and records cross their edges.
/// </summary>
public sealed class Utf8ScanEquivalenceTests
{
    // Forces the reference path: the scanner only splits a batch for visitors that can be split.
    sealed class Sequential(ITabularVisitor inner) : ITabularVisitor
    {
        public void OnColumn(int index, string name, long precedingRows) => inner.OnColumn(index, name, precedingRows);
        public void OnRow(IReadOnlyList<string> values, long line) => inner.OnRow(values, line);
    }

    static (TabularScan, BatchProfiler) Reference(byte[] csv, DatasetSchema? schema, TabularLimits? limits = null)
    {
        var profiler = new BatchProfiler(schema);
        return (TabularScanner.ScanCsv(new MemoryStream(csv), limits ?? new(), new Sequential(profiler)), profiler);
    }

    static (TabularScan, BatchProfiler) Parallel(byte[] csv, DatasetSchema? schema, int chunkSize, TabularLimits? limits = null, int maxReadAhead = 1 << 20)
    {
        var profiler = new BatchProfiler(schema);
        return (TabularScanner.ScanCsvUtf8(new MemoryStream(csv), limits ?? new(), profiler, chunkSize, maxReadAhead), profiler);
    }

    public static TheoryData<int, int, int> Batches => new()
    {
        { 1, 2000, 64 }, { 2, 3000, 1000 }, { 3, 500, 17 }, { 4, 5000, 4096 }, { 5, 1500, 300 },
        { 6, 4000, 1 << 20 }, { 7, 2500, 128 }, { 8, 800, 50 },
    };

    [Theory]
    [MemberData(nameof(Batches))]
    public void Profiles_random_batches_exactly_as_the_reference_path(int seed, int rows, int chunkSize)
    {
        var csv = RandomCsv.Generate(seed, rows, bom: seed % 3 == 0);

        var (refScan, refProfiler) = Reference(csv, null);
        var (scan, profiler) = Parallel(csv, null, chunkSize);
        AssertSame(refScan, refProfiler, scan, profiler);

        // Again with the schema a first batch would give: numeric, categorical and ignored columns, histogram bins.
        var schema = SchemaInference.Infer(BatchScan.From(refScan), refProfiler);
        (refScan, refProfiler) = Reference(csv, schema);
        (scan, profiler) = Parallel(csv, schema, chunkSize);
        AssertSame(refScan, refProfiler, scan, profiler);
    }

    [Fact]
    public void A_column_of_timestamps_followed_by_numbers_that_read_as_dates_stays_a_timestamp()
    {
        var csv = Encoding.UTF8.GetBytes("t,x\n" + string.Concat(Enumerable.Repeat("2021-06-01,1\n", 50)) + string.Concat(Enumerable.Repeat("1.5,2\n", 200)));

        var (scan, _) = Parallel(csv, null, chunkSize: 64);

        Assert.Equal(ColumnTypes.Timestamp, scan.Columns[0].Type);
        Assert.Equal(Reference(csv, null).Item1.Statistics[0], scan.Statistics[0]);
    }

    [Fact]
    public void Distinct_counts_stop_at_ten_thousand_and_duplicate_rows_are_found_across_stretches()
    {
        var rng = new Random(5);
        var values = Enumerable.Range(0, 30_000).Select(i => i % 3 == 0 ? "17" : (rng.Next(1_000_000) / 8.0).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var csv = Encoding.UTF8.GetBytes("v,w\n" + string.Join("\n", values.Select(v => $"{v},{v.Length}")) + "\n");

        var (refScan, refProfiler) = Reference(csv, null);
        var (scan, profiler) = Parallel(csv, null, chunkSize: 4096);

        Assert.Equal(10_000, scan.Statistics[0].Distinct);
        Assert.True(profiler.DuplicateRows > 10_000);
        AssertSame(refScan, refProfiler, scan, profiler);
    }

    [Fact]
    public void A_record_longer_than_the_read_ahead_hands_the_rest_to_the_reference_reader()
    {
        var csv = RandomCsv.Generate(12, 3000);
        var longField = "\"" + string.Concat(Enumerable.Repeat("long, quoted\n", 400)) + "\"";
        var at = Array.IndexOf(csv, (byte)'\n', csv.Length / 3) + 1;
        var firstColumnEnd = Array.IndexOf(csv, (byte)',', at);
        var bytes = csv[..at].Concat(Encoding.UTF8.GetBytes(longField)).Concat(csv[firstColumnEnd..]).ToArray();

        var (refScan, refProfiler) = Reference(bytes, null);
        var (scan, profiler) = Parallel(bytes, null, chunkSize: 256, maxReadAhead: 1024);
        AssertSame(refScan, refProfiler, scan, profiler);

        // A quote that never closes: the error still comes from the reader, with its line.
        var unbalanced = csv[..at].Concat("\"never closed,"u8.ToArray()).Concat(csv[at..]).ToArray();
        var expected = Assert.Throws<TabularFormatException>(() => Reference(unbalanced, null));
        var actual = Assert.Throws<TabularFormatException>(() => Parallel(unbalanced, null, chunkSize: 256, maxReadAhead: 1024));
        Assert.Equal((expected.Message, expected.Line, expected.Column), (actual.Message, actual.Line, actual.Column));
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "unbalanced quote", "a,b\n1,2\n3,\"oops\n4,5\n6,7\n" },
        { "quote inside a field", "a,b\n1,2\n3,x\"y\n" },
        { "text after a closing quote", "a,b\n1,2\n\"3\"x,4\n" },
        { "doubled quotes then an error", "a,b\n\"x\"\"y\",1\n2,3\n4,\"5\"6\n" },
        { "field over the limit", "a,b\n1,2\n3,\"" + new string('x', 40) + "\"\n" },
        { "field over the limit after a line break", "a,b\n1,\"ab\n" + new string('x', 40) + "\"\n" },
        { "the noncharacter U+FFFF", "a,b\n1,2\n3,x\uFFFFy\n" },
        { "empty", "" },
        { "blank header", "\n1,2\n" },
        { "duplicate header", "a,a\n1,2\n" },
        { "empty column name", "a,,c\n1,2,3\n" },
        { "unbalanced quote in the header", "a,\"b\n1,2\n" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_input_fails_with_the_reference_message_line_and_column(string what, string csv)
    {
        var bytes = Encoding.UTF8.GetBytes(csv);
        var limits = new TabularLimits(MaxFieldLength: 30);
        foreach (var chunkSize in new[] { 8, 64, 1 << 20 })
        {
            var expected = Assert.Throws<TabularFormatException>(() => Reference(bytes, null, limits));
            var actual = Assert.Throws<TabularFormatException>(() => Parallel(bytes, null, chunkSize, limits));
            Assert.True(expected.Message == actual.Message, $"{what}: expected '{expected.Message}', got '{actual.Message}'");
            Assert.Equal((expected.Line, expected.Column), (actual.Line, actual.Column));
        }
    }

    [Theory]
    [InlineData(10)]
    [InlineData(777)]
    [InlineData(2999)]
    public void Invalid_utf8_deep_in_a_batch_is_located_like_the_reference_path(int row)
    {
        var csv = RandomCsv.Generate(11, 3000, ragged: false);
        var lineStarts = csv.Select((b, i) => (b, i)).Where(p => p.b == '\n').Select(p => p.i + 1).ToList();
        var at = lineStarts[row];
        var bytes = csv.ToArray();
        bytes[at] = 0xC3; // a lead byte followed by a non-continuation byte
        bytes[at + 1] = (byte)'(';

        var expected = Assert.Throws<TabularFormatException>(() => Reference(bytes, null));
        var actual = Assert.Throws<TabularFormatException>(() => Parallel(bytes, null, chunkSize: 256));

        Assert.Contains("UTF-8", actual.Message);
        Assert.Equal((expected.Message, expected.Line, expected.Column), (actual.Message, actual.Line, actual.Column));
    }

    [Fact]
    public void A_utf16_file_with_a_byte_order_mark_is_still_read()
    {
        var csv = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("a,b\n1,x\n2,y\n")).ToArray();

        var scan = TabularScanner.ScanCsvUtf8(new MemoryStream(csv), new TabularLimits(), null, chunkSize: 8);

        Assert.Equal(["a", "b"], scan.Columns.Select(c => c.Name));
        Assert.Equal(2, scan.Rows);
    }

    [Fact]
    public void Lone_carriage_returns_end_records_and_count_lines()
    {
        var csv = Encoding.UTF8.GetBytes("a,b\r1,2\r3\r4,5\r\"x\ry\",6\r7,8");

        var (refScan, refProfiler) = Reference(csv, null);
        var (scan, profiler) = Parallel(csv, null, chunkSize: 8);

        AssertSame(refScan, refProfiler, scan, profiler);
    }

    static void AssertSame(TabularScan expected, BatchProfiler expectedProfile, TabularScan actual, BatchProfiler actualProfile)
    {
        Assert.Equal(expected.Columns, actual.Columns);
        Assert.Equal(expected.Rows, actual.Rows);
        Assert.Equal(expected.ProblemCount, actual.ProblemCount);
        Assert.Equal(expected.Problems, actual.Problems);
        for (var i = 0; i < expected.Statistics.Count; i++)
        {
            var (e, a) = (expected.Statistics[i], actual.Statistics[i]);
            Assert.Equal((e.Name, e.Type, e.Count, e.Nulls, e.Min, e.Max, e.Distinct), (a.Name, a.Type, a.Count, a.Nulls, a.Min, a.Max, a.Distinct));
            AssertClose(e.Mean, a.Mean);
            AssertClose(e.Std, a.Std);
        }
        Assert.Equal(expectedProfile.DuplicateRows, actualProfile.DuplicateRows);
        for (var i = 0; i < expectedProfile.Columns.Count; i++)
        {
            var (e, a) = (expectedProfile.Columns[i], actualProfile.Columns[i]);
            Assert.Equal((e.Name, e.Count, e.Nulls, e.NonFinite, e.Numeric, e.Min, e.Max), (a.Name, a.Count, a.Nulls, a.NonFinite, a.Numeric, a.Min, a.Max));
            Assert.Equal(e.Bins, a.Bins);
            Assert.Equal(e.Sample?.Sorted().ToArray(), a.Sample?.Sorted().ToArray());
            Assert.Equal(e.Categories.OrderBy(kv => kv.Key, StringComparer.Ordinal), a.Categories.OrderBy(kv => kv.Key, StringComparer.Ordinal));
            AssertClose(e.Mean, a.Mean);
            AssertClose(e.Std, a.Std);
        }
    }

    // Merged moments equal the one-pass ones up to rounding.
    static void AssertClose(double? expected, double? actual)
    {
        Assert.Equal(expected is null, actual is null);
        if (expected is { } e && actual is { } a)
            Assert.True(e.Equals(a) || Math.Abs(e - a) <= 1e-9 * Math.Max(1, Math.Abs(e)), $"{e} vs {a}");
    }
}

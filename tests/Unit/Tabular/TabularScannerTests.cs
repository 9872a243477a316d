using System.Text;
using MlOps.Contracts;
using MlOps.Tabular;

namespace MlOps.Tests.Unit.Tabular;

public sealed class TabularScannerTests
{
    static TabularScan Scan(string text, string format = BatchFormats.Csv) => Scan(Encoding.UTF8.GetBytes(text), format);

    static TabularScan Scan(byte[] bytes, string format = BatchFormats.Csv) =>
        TabularScanner.Scan(new MemoryStream(bytes), format, new TabularLimits());

    static string TypeOf(TabularScan scan, string column) => scan.Columns.Single(c => c.Name == column).Type;

    [Fact]
    public void Infers_each_type_and_counts_nulls_instead_of_calling_them_text()
    {
        var scan = Scan("i,f,b,t,s\n1,1.5,true,2012-01-01,x\nNA,,false,2012-01-02T10:00:00Z,y\n-3,2e3,null,,z\n");

        Assert.Equal(3, scan.Rows);
        Assert.Equal("integer", TypeOf(scan, "i"));
        Assert.Equal("float", TypeOf(scan, "f"));
        Assert.Equal("boolean", TypeOf(scan, "b"));
        Assert.Equal("timestamp", TypeOf(scan, "t"));
        Assert.Equal("string", TypeOf(scan, "s"));
        Assert.Equal(1, scan.Columns.Single(c => c.Name == "i").Nulls);
        Assert.Equal(1, scan.Columns.Single(c => c.Name == "b").Nulls);
    }

    [Fact]
    public void Keeps_header_names_exactly_and_strips_a_bom()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("temp (°C),wind speed\n1,2\n")).ToArray();

        var scan = Scan(bytes);

        Assert.Equal(["temp (°C)", "wind speed"], scan.Columns.Select(c => c.Name));
    }

    [Fact]
    public void Flags_ragged_rows_as_errors_with_their_lines()
    {
        var scan = Scan("a,b\n1,2\n3\n4,5,6\n7,8\n");

        Assert.Equal(2, scan.Rows);
        Assert.True(scan.HasErrors);
        Assert.Equal([3L, 4L], scan.Problems.Select(p => p.Line));
    }

    [Fact]
    public void A_header_only_batch_is_an_error_not_a_crash()
    {
        var scan = Scan("a,b\n");

        Assert.Equal(0, scan.Rows);
        Assert.Equal("no_rows", Assert.Single(scan.Problems).Kind);
    }

    [Fact]
    public void Invalid_utf8_is_reported_with_its_line()
    {
        var bytes = Encoding.UTF8.GetBytes("a\nok\n").Concat(new byte[] { 0xC3, 0x28, (byte)'\n' }).ToArray();

        var ex = Assert.Throws<TabularFormatException>(() => Scan(bytes));

        Assert.Contains("UTF-8", ex.Message);
        Assert.Equal(3, ex.Line);
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("ndjson")]
    public void Invalid_utf8_after_a_bom_is_still_reported(string format)
    {
        var text = format == "csv" ? "a\nok\n" : "{\"a\":\"ok\"}\n{\"a\":\"";
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text)).Concat(new byte[] { 0xC3, 0x28 }).Concat(Encoding.UTF8.GetBytes(format == "csv" ? "\n" : "\"}\n")).ToArray();

        var ex = Assert.Throws<TabularFormatException>(() => TabularScanner.Scan(new MemoryStream(bytes), format, new TabularLimits(), new CountingVisitor()));

        Assert.Contains("UTF-8", ex.Message);
        Assert.Equal(format == "csv" ? 3 : 2, ex.Line);
    }

    [Fact]
    public void A_bom_is_dropped_on_the_reference_path_too()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("name,v\nx,1\n")).ToArray();
        var visitor = new CountingVisitor();

        var scan = TabularScanner.Scan(new MemoryStream(bytes), BatchFormats.Csv, new TabularLimits(), visitor);

        Assert.Equal("name", scan.Columns[0].Name);
        Assert.Equal(["name", "v"], visitor.Columns);
    }

    /// <summary>A visitor without the partitioned interface: the scanner takes its one-record-at-a-time path.</summary>
    sealed class CountingVisitor : ITabularVisitor
    {
        public List<string> Columns { get; } = [];
        public void OnColumn(int index, string name, long precedingRows) => Columns.Add(name);
        public void OnRow(IReadOnlyList<string> values, long line) { }
    }

    [Fact]
    public void Ndjson_keys_become_columns_and_mixed_types_are_errors()
    {
        var scan = Scan("{\"x\":1,\"y\":\"a\"}\n{\"x\":\"two\",\"z\":true}\n", BatchFormats.Ndjson);

        Assert.Equal(["x", "y", "z"], scan.Columns.Select(c => c.Name));
        Assert.Equal(1, scan.Columns.Single(c => c.Name == "y").Nulls);
        Assert.Equal(1, scan.Columns.Single(c => c.Name == "z").Nulls);
        var mixed = Assert.Single(scan.Problems);
        Assert.Equal("mixed_types", mixed.Kind);
        Assert.Equal("x", mixed.Column);
        Assert.Equal(2, mixed.Line);
    }

    [Fact]
    public void Profiles_numeric_columns_in_the_same_pass()
    {
        var scan = Scan("v\n1\n2\n3\n4\n");

        var summary = Assert.Single(scan.Statistics);
        Assert.Equal(2.5, summary.Mean);
        Assert.Equal(1, summary.Min);
        Assert.Equal(4, summary.Max);
        Assert.Equal(Math.Sqrt(5.0 / 3), summary.Std!.Value, 12);
        Assert.Equal(4, summary.Distinct);
    }
}

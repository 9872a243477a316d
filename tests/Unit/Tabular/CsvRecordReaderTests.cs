using MlOps.Tabular;

namespace MlOps.Tests.Unit.Tabular;

public sealed class CsvRecordReaderTests
{
    static List<List<string>> ReadAll(string csv, int maxField = 1000)
    {
        var reader = new CsvRecordReader(new StringReader(csv), maxField);
        var records = new List<List<string>>();
        var fields = new List<string>();
        while (reader.TryRead(fields))
            records.Add([.. fields]);
        return records;
    }

    [Fact]
    public void Reads_quoted_fields_with_commas_doubled_quotes_and_line_breaks()
    {
        var records = ReadAll("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\"two\nlines\",z\n");

        Assert.Equal(["a", "b"], records[0]);
        Assert.Equal(["x, y", "say \"hi\""], records[1]);
        Assert.Equal(["two\nlines", "z"], records[2]);
    }

    [Fact]
    public void Treats_crlf_like_lf_and_keeps_empty_fields()
    {
        var records = ReadAll("a,b,c\r\n1,,3\r\n");

        Assert.Equal(2, records.Count);
        Assert.Equal(["1", "", "3"], records[1]);
    }

    [Fact]
    public void Reports_the_line_and_column_of_an_unbalanced_quote()
    {
        var ex = Assert.Throws<TabularFormatException>(() => ReadAll("a,b\n1,2\n3,\"oops\n4,5\n"));

        Assert.Equal(3, ex.Line);
        Assert.Equal(2, ex.Column);
        Assert.Contains("unbalanced quote", ex.Message);
    }

    [Fact]
    public void Rejects_a_field_longer_than_the_limit_naming_it()
    {
        var ex = Assert.Throws<TabularFormatException>(() => ReadAll("a\n" + new string('x', 50) + "\n", maxField: 10));

        Assert.Contains("limit of 10", ex.Message);
        Assert.Equal(2, ex.Line);
    }

    [Fact]
    public void Records_the_line_each_record_starts_on()
    {
        var reader = new CsvRecordReader(new StringReader("h\n\"a\nb\"\nc\n"));
        var fields = new List<string>();
        var lines = new List<long>();
        while (reader.TryRead(fields))
            lines.Add(reader.RecordLine);

        Assert.Equal([1L, 2L, 4L], lines);
    }
}

using MlOps.Learning.Data;

namespace MlOps.Tests.Learning;

public sealed class DataTests
{
    [Fact]
    public void Csv_columns_get_their_types_and_nulls_are_tracked()
    {
        var frame = Generated.Read("a,b,c,d,e\n1,1.5,true,2020-01-02,\"x, y\"\n2,NA,false,2020-01-03,z\n,2.5,true,,z\n");
        Assert.Equal(ColumnType.Integer, frame["a"].Type);
        Assert.Equal(ColumnType.Float, frame["b"].Type);
        Assert.Equal(ColumnType.Boolean, frame["c"].Type);
        Assert.Equal(ColumnType.Timestamp, frame["d"].Type);
        Assert.Equal(ColumnType.Categorical, frame["e"].Type);
        Assert.Equal("x, y", frame["e"].Format(0));
        Assert.Equal(1, frame["a"].NullCount());
        Assert.Equal(1, frame["b"].NullCount());
        Assert.Equal(1, frame["d"].NullCount());
        Assert.Equal(3, frame.RowCount);
    }

    [Fact]
    public void Ndjson_rows_are_read_with_the_union_of_keys()
    {
        var text = "{\"x\": 1, \"y\": \"a\"}\n{\"x\": 2.5, \"z\": true}\n";
        var frame = TabularFrame.ReadNdjson(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)));
        Assert.Equal(2, frame.RowCount);
        Assert.Equal(ColumnType.Float, frame["x"].Type);
        Assert.True(frame["y"].IsNull(1));
        Assert.True(frame["z"].IsNull(0));
    }

    [Fact]
    public void A_ragged_record_is_rejected_with_its_position()
    {
        var e = Assert.Throws<InvalidDataException>(() => Generated.Read("a,b\n1,2\n3\n"));
        Assert.Contains("line 3", e.Message);
    }

    [Fact]
    public void Forced_types_keep_numeric_looking_categories_as_categories()
    {
        var options = new CsvReadOptions { ColumnTypes = new Dictionary<string, ColumnType> { ["code"] = ColumnType.Categorical } };
        var frame = TabularFrame.ReadCsv(new MemoryStream("code\n10\n20\n"u8.ToArray()), options);
        Assert.Equal(ColumnType.Categorical, frame["code"].Type);
    }
}

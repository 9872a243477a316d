using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using MlOps.Contracts;
using MlOps.Learning.Data;
using MlOps.ServiceDefaults.Batches;
using MlOps.ServiceDefaults.Blobs;
using MlOps.Tabular;
using MlOps.Training.Runs;
using MlOps.Validation.Profiling;
using MlOps.Validation.Schemas;

namespace MlOps.Tests.Unit.Tabular;

/// <summary>The data plane and training read one batch by the same rules: the same columns, types and missing values.</summary>
public sealed class OneReaderTests
{
    // Nulls of every spelling, quoted fields with commas, doubled quotes and line breaks, CRLF line ends, a UTF-8 byte
    // order mark, unicode and spaced header names, a boolean and a timestamp column, a numeric-looking column that turns
    // to text late, and a float column with NaN and Inf written out.
    const string Tricky =
        "\uFEFFtempé (°C),\"ville \"\"v\"\"\",flag,when,note,code,x\r\n" +
        "1.5,Zürich,true,2024-01-01,\"a, b\",1,NaN\r\n" +
        "NA,\"Genève\",false,2024-01-02T10:00:00Z,\"say \"\"hi\"\"\",2,Inf\r\n" +
        "N/A,null,NULL,,\"two\r\nlines\",3,-inf\r\n" +
        ",NULL,TRUE,2024-01-04,,4,2.5\r\n" +
        "null,東京,,2024-01-05,plain,A7,\r\n" +
        "-2e3,N/A,False,NA,\"\",5,1e3\r\n";

    static readonly byte[] TrickyBytes = Encoding.UTF8.GetBytes(Tricky);

    [Fact]
    public async Task The_data_plane_and_training_read_the_tricky_file_alike()
    {
        // Ingestion and Validation: the scan the data plane stores as DataArrived's columns.
        var profiler = new BatchProfiler(null);
        var scan = BatchScan.Scan(new MemoryStream(TrickyBytes), BatchFormats.Csv, new TabularLimits(), profiler);
        Assert.False(scan.HasErrors);
        Assert.Equal(6, scan.Rows);

        // Training: the dataset version read from the blob store, and the CLI's path (TabularFrame.ReadCsv).
        var blobs = new MemoryBlobStore();
        var key = await blobs.PutAsync(new MemoryStream(TrickyBytes));
        var loaded = await new DatasetLoader(blobs).LoadAsync([key.Key], default);
        var cli = TabularFrame.ReadCsv(new MemoryStream(TrickyBytes));

        var expected = new (string Name, string Type, long Nulls)[]
        {
            ("tempé (°C)", "float", 4), ("ville \"v\"", "string", 3), ("flag", "boolean", 2), ("when", "timestamp", 2),
            ("note", "string", 2), ("code", "string", 0), ("x", "float", 1),
        };
        Assert.Equal(expected, scan.Columns.Select(c => (c.Name, c.Type, c.Nulls)));
        foreach (var frame in new[] { loaded, cli })
        {
            Assert.Equal(6, frame.RowCount);
            Assert.Equal(scan.Columns.Select(c => c.Name), frame.Columns.Select(c => c.Name));
            Assert.Equal(scan.Columns.Select(c => c.Type), frame.Columns.Select(c => ColumnTypeNames.Name(c.Type)));
            // NaN written in the data is a number (non-finite), not a missing value; the engine stores both as NaN.
            Assert.Equal(scan.Columns.Select(c => c.Nulls + (c.Name == "x" ? 1 : 0)), frame.Columns.Select(c => (long)c.NullCount()));
            Assert.Equal(["Zürich", "Genève", "東京"], frame["ville \"v\""].Categories);
            Assert.Equal(["a, b", "say \"hi\"", "two\r\nlines", "plain"], frame["note"].Categories);
            Assert.Equal(["1", "2", "3", "4", "A7", "5"], frame["code"].Categories);
            Assert.Equal([1.0, 0, double.NaN, 1, double.NaN, 0], frame["flag"].Numbers.ToArray());
            Assert.Equal(double.PositiveInfinity, frame["x"].Numbers[1]);
            Assert.Equal(double.NegativeInfinity, frame["x"].Numbers[2]);
        }

        // The non-finite numbers are flagged by validation, as an NDJSON 1e999 is.
        Assert.Equal(3, profiler.Columns.Single(c => c.Name == "x").NonFinite);
        var schema = SchemaInference.Infer(scan, profiler);
        Assert.Equal("float", schema.Columns.Single(c => c.Name == "x").Type);
    }

    [Fact]
    public void A_column_of_numbers_that_turns_to_text_after_many_stretches_is_read_as_text()
    {
        // Far beyond the first stretch of the parallel reader: the batch is read again with the column as text.
        var sb = new StringBuilder("id,v\n");
        for (var i = 0; i < 300_000; i++)
            sb.Append(i).Append(',').Append(i % 7).Append('\n');
        sb.Append("300000,seven\n");
        var bytes = Encoding.UTF8.GetBytes(sb.ToString());

        var table = TableReader.Read(new MemoryStream(bytes), TabularFormats.Csv);
        var scan = TabularScanner.Scan(new MemoryStream(bytes), TabularFormats.Csv, new TabularLimits());

        Assert.Equal(["integer", "string"], table.Columns.Select(c => c.Type));
        Assert.Equal(scan.Columns.Select(c => c.Type), table.Columns.Select(c => c.Type));
        var v = table.Columns[1];
        Assert.Equal(300_001, v.Length);
        Assert.Equal("3", v.Categories[v.Codes![3]]);
        Assert.Equal("seven", v.Categories[v.Codes[^1]]);
        Assert.Equal(299_999, table.Columns[0].Numbers![299_999]);
    }

    [Fact]
    public void A_large_csv_reads_into_the_same_values_on_every_path()
    {
        var sb = new StringBuilder("a,b,c\n");
        var random = new Random(7);
        for (var i = 0; i < 100_000; i++)
            sb.Append(Math.Round(random.NextDouble() * 100, 3)).Append(',').Append(i % 3 == 0 ? "" : (i % 11).ToString()).Append(',').Append("k" + (i % 13)).Append('\n');
        var bytes = Encoding.UTF8.GetBytes(sb.ToString());

        var fast = TableReader.Read(new MemoryStream(bytes), TabularFormats.Csv);
        // The UTF-16 path (one string per field) as the reference.
        var utf16 = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(sb.ToString())).ToArray();
        var slow = TableReader.Read(new MemoryStream(utf16), TabularFormats.Csv);

        for (var c = 0; c < 3; c++)
        {
            Assert.Equal(slow.Columns[c].Type, fast.Columns[c].Type);
            Assert.Equal(slow.Columns[c].Nulls, fast.Columns[c].Nulls);
            Assert.Equal(slow.Columns[c].Numbers, fast.Columns[c].Numbers);
            Assert.Equal(slow.Columns[c].Codes, fast.Columns[c].Codes);
            Assert.Equal(slow.Columns[c].Categories, fast.Columns[c].Categories);
        }
        Assert.Equal(["float", "integer", "string"], fast.Columns.Select(c => c.Type));
    }

    [Theory]
    [InlineData("{\"\":1}\n", "a key is empty")]
    [InlineData("{\"a\":1,\"a\":2}\n", "appears twice")]
    [InlineData("{\"a\":1}\n{\"b\":1,\"b\":2}\n", "appears twice")]
    public void Ndjson_refuses_an_empty_or_repeated_key_as_csv_refuses_such_a_header(string ndjson, string reason)
    {
        var e = Assert.Throws<TabularFormatException>(() => TabularScanner.Scan(new MemoryStream(Encoding.UTF8.GetBytes(ndjson)), TabularFormats.Ndjson, new TabularLimits()));
        Assert.Contains(reason, e.Message);
        Assert.Throws<InvalidDataException>(() => TabularFrame.ReadNdjson(new MemoryStream(Encoding.UTF8.GetBytes(ndjson))));
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("nan")]
    [InlineData("Inf")]
    [InlineData("-inf")]
    [InlineData("+Infinity")]
    public void Non_finite_numbers_keep_a_csv_column_numeric(string spelling)
    {
        var csv = $"x\n1.5\n{spelling}\n2\n";
        var scan = TabularScanner.Scan(new MemoryStream(Encoding.UTF8.GetBytes(csv)), TabularFormats.Csv, new TabularLimits());
        Assert.Equal("float", scan.Columns[0].Type);
        Assert.Equal(0, scan.Columns[0].Nulls);
        Assert.Equal(1, scan.Statistics[0].NonFinite);
        Assert.Equal(1.75, scan.Statistics[0].Mean);
        Assert.Equal(ColumnType.Float, TabularFrame.ReadCsv(new MemoryStream(Encoding.UTF8.GetBytes(csv)))["x"].Type);
    }

    [Fact]
    public async Task Batches_with_different_columns_join_in_order_of_first_appearance()
    {
        var blobs = new MemoryBlobStore();
        var first = await blobs.PutAsync(new MemoryStream("a,b\n1,x\n2,y\n"u8.ToArray()));
        var second = await blobs.PutAsync(new MemoryStream("{\"c\":true,\"a\":2.5}\n"u8.ToArray()));

        var frame = await new DatasetLoader(blobs).LoadAsync([first.Key, second.Key], default);

        Assert.Equal(["a", "b", "c"], frame.Columns.Select(c => c.Name));
        Assert.Equal(ColumnType.Float, frame["a"].Type);
        Assert.Equal([1.0, 2, 2.5], frame["a"].Numbers.ToArray());
        Assert.Equal(["x", "y", null], Enumerable.Range(0, 3).Select(r => frame["b"].Format(r)));
        Assert.Equal(ColumnType.Boolean, frame["c"].Type);
        Assert.Equal(2, frame["c"].NullCount());
    }

    sealed class MemoryBlobStore : IBlobStore
    {
        readonly ConcurrentDictionary<string, byte[]> _blobs = new();

        public async Task<BlobInfo> PutAsync(Stream content, CancellationToken ct = default)
        {
            using var copy = new MemoryStream();
            await content.CopyToAsync(copy, ct);
            var bytes = copy.ToArray();
            var key = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
            _blobs[key] = bytes;
            return new BlobInfo(key, bytes.Length);
        }

        public Task<Stream> OpenReadAsync(string key, CancellationToken ct = default) =>
            _blobs.TryGetValue(key, out var bytes) ? Task.FromResult<Stream>(new MemoryStream(bytes, writable: false)) : throw new BlobNotFoundException(key);

        public Task<BlobInfo?> GetInfoAsync(string key, CancellationToken ct = default) =>
            Task.FromResult(_blobs.TryGetValue(key, out var bytes) ? new BlobInfo(key, bytes.Length) : null);

        public Task DeleteAsync(string key, CancellationToken ct = default)
        {
            _blobs.TryRemove(key, out _);
            return Task.CompletedTask;
        }
    }
}

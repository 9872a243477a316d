using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MlOps.Tests.Integration.Infrastructure;

namespace MlOps.Tests.Integration.DataPlane;

/// <summary>Each kind of bad input gets either a 4xx problem saying what and where, or a stored batch rejected with the reasons.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class BadInputTests(InfrastructureFixture infra)
{
    static string Dataset() => "bad-" + Guid.NewGuid().ToString("N")[..12];

    static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(ServiceProcess ingestion, string dataset, HttpContent content)
    {
        using var response = await ingestion.Client.PostAsync($"datasets/{dataset}/batches", content);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        if ((int)response.StatusCode >= 400)
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, body);
    }

    static ByteArrayContent Bytes(byte[] bytes, string type)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new(type);
        return content;
    }

    [Fact]
    public async Task A_bom_and_crlf_line_ends_are_read_and_header_names_kept_exactly()
    {
        var slice = await infra.SliceAsync();
        var csv = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("temp (°C),wind speed,Ort\r\n1.5,3,Zürich\r\n2.5,4,Genève\r\n")).ToArray();

        var (status, body) = await PostAsync(slice.Ingestion, Dataset(), Bytes(csv, "text/csv"));

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(["temp (°C)", "wind speed", "Ort"], body.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Equal(2, body.GetProperty("rows").GetInt64());
    }

    [Fact]
    public async Task Invalid_utf8_is_a_400_naming_the_line()
    {
        var slice = await infra.SliceAsync();
        var bytes = Encoding.UTF8.GetBytes("a,b\n1,ok\n2,").Concat(new byte[] { 0xFF, 0xFE, (byte)'\n' }).ToArray();

        var (status, body) = await PostAsync(slice.Ingestion, Dataset(), Bytes(bytes, "text/csv"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("UTF-8", body.GetProperty("detail").GetString());
        Assert.Contains("line 3", body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_header_only_batch_is_stored_and_rejected_for_having_no_rows()
    {
        var slice = await infra.SliceAsync();
        var dataset = Dataset();

        var batch = await Batches.PostAndWaitAsync(slice, dataset, "a,b,c\n");

        Assert.Equal("rejected", batch.GetProperty("status").GetString());
        Assert.Equal("no_rows", batch.GetProperty("reasons")[0].GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Ndjson_with_mixed_types_in_a_column_is_rejected_naming_the_column_and_line()
    {
        var slice = await infra.SliceAsync();
        using var content = new StringContent("{\"x\":1}\n{\"x\":2}\n{\"x\":\"three\"}\n", Encoding.UTF8, "application/x-ndjson");
        var dataset = Dataset();

        var (status, body) = await PostAsync(slice.Ingestion, dataset, content);
        Assert.Equal(HttpStatusCode.Accepted, status);
        var batch = await Batches.WaitAsync(slice, body.GetProperty("batchId").GetGuid(), dataset);

        Assert.Equal("rejected", batch.GetProperty("status").GetString());
        var reason = batch.GetProperty("reasons")[0];
        Assert.Equal("mixed_types", reason.GetProperty("kind").GetString());
        Assert.Equal("x", reason.GetProperty("column").GetString());
        Assert.Equal(3, reason.GetProperty("line").GetInt64());
    }

    [Fact]
    public async Task A_nul_in_a_csv_column_name_is_a_400_naming_it_not_a_500()
    {
        // Found by the API fuzz test, as the NDJSON case below.
        var slice = await infra.SliceAsync();

        var (status, body) = await PostAsync(slice.Ingestion, Dataset(), new StringContent("a\u0000b,c\n1,2\n", Encoding.UTF8, "text/csv"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("U+0000", body.GetProperty("detail").GetString());
        Assert.Contains("line 1, column 1", body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_nul_inside_values_is_decided_like_any_other_batch_not_retried_forever()
    {
        // PostgreSQL's jsonb cannot hold U+0000: a category holding it once made every attempt to store the batch's
        // profile fail, so the batch was retried and parked instead of decided.
        var slice = await infra.SliceAsync();
        var dataset = Dataset();
        using var content = new StringContent("city,n\nSeat\u0000tle,1\nNew York,2\nSeat\u0000tle,3\n", Encoding.UTF8, "text/csv");

        var (status, body) = await PostAsync(slice.Ingestion, dataset, content);
        Assert.Equal(HttpStatusCode.Accepted, status);
        var batch = await Batches.WaitAsync(slice, body.GetProperty("batchId").GetGuid(), dataset);

        Assert.Contains(batch.GetProperty("status").GetString(), new[] { "validated", "rejected" });
    }

    [Fact]
    public async Task Ndjson_escaping_half_a_surrogate_pair_is_stored_and_rejected_naming_the_line_not_a_500()
    {
        // Found by the API fuzz test (tests/Integration/Fuzz): reading such a key or string threw, and the answer was a 500.
        var slice = await infra.SliceAsync();
        using var content = new StringContent("{\"x\":1}\n{\"x\":\"\\ud800\"}\n{\"x\\udc00\":2}\n{\"x\":\"\\ud83d\\ude00\"}\n", Encoding.UTF8, "application/x-ndjson");
        var dataset = Dataset();

        var (status, body) = await PostAsync(slice.Ingestion, dataset, content);
        Assert.Equal(HttpStatusCode.Accepted, status);
        var batch = await Batches.WaitAsync(slice, body.GetProperty("batchId").GetGuid(), dataset);

        Assert.Equal("rejected", batch.GetProperty("status").GetString());
        var malformed = batch.GetProperty("reasons").EnumerateArray().Where(r => r.GetProperty("kind").GetString() == "malformed_json").ToList();
        // The escaped pair on line 4 (an emoji) is valid.
        Assert.Equal([2L, 3L], malformed.Select(r => r.GetProperty("line").GetInt64()));
        Assert.Contains("surrogate", malformed[0].GetProperty("description").GetString());
    }

    [Theory]
    [InlineData("{\"a\":1}\n{\"a\":2,\"a\":3}\n", "line 2, column 2", "'a' appears twice")]
    [InlineData("{\"\":1}\n", "line 1, column 1", "a key is empty")]
    // Found by the API fuzz test: a NUL in a column name failed to store (PostgreSQL's jsonb cannot hold U+0000) and the answer was a 500.
    [InlineData("{\"a\\u0000b\":1}\n", "line 1, column 1", "U+0000")]
    public async Task Ndjson_with_an_empty_or_repeated_key_is_a_400_as_such_a_csv_header_is(string ndjson, string where, string what)
    {
        var slice = await infra.SliceAsync();
        using var content = new StringContent(ndjson, Encoding.UTF8, "application/x-ndjson");

        var (status, body) = await PostAsync(slice.Ingestion, Dataset(), content);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(where, body.GetProperty("detail").GetString());
        Assert.Contains(what, body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task NaN_and_Inf_in_a_csv_column_keep_it_numeric_and_reject_the_batch_as_non_finite()
    {
        var slice = await infra.SliceAsync();
        var dataset = Dataset();

        var batch = await Batches.PostAndWaitAsync(slice, dataset, "x,y\n1.5,a\nNaN,b\n-Inf,c\n2,d\n");

        Assert.Equal("float", batch.GetProperty("columns")[0].GetProperty("type").GetString());
        Assert.Equal("rejected", batch.GetProperty("status").GetString());
        var reason = batch.GetProperty("reasons").EnumerateArray().Single(r => r.GetProperty("kind").GetString() == "non_finite");
        Assert.Equal("x", reason.GetProperty("column").GetString());
    }

    [Fact]
    public async Task A_100_mb_single_field_is_a_400_naming_the_field_length_limit_and_the_service_stays_up()
    {
        var slice = await infra.SliceAsync();
        var big = new byte[100 * 1024 * 1024];
        Array.Fill(big, (byte)'x');
        var header = Encoding.UTF8.GetBytes("id,text\n1,");
        using var content = new StreamContent(new ConcatStream(header, big, "\n"u8.ToArray()));
        content.Headers.ContentType = new("text/csv");

        var (status, body) = await PostAsync(slice.Ingestion, Dataset(), content);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("limit of 1048576 characters", body.GetProperty("detail").GetString());
        Assert.Contains("line 2", body.GetProperty("detail").GetString());
        using var health = await slice.Ingestion.Client.GetAsync("health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Configured_limits_answer_413_and_400_naming_the_limit()
    {
        var slice = await infra.SliceAsync();
        await using var limited = await slice.StartIngestionAsync(infra, new Dictionary<string, string>
        {
            ["Ingestion__MaxBodyBytes"] = "2000",
            ["Ingestion__MaxColumns"] = "3",
            ["Ingestion__MaxFieldLength"] = "10",
        });

        var (tooBig, bigBody) = await PostAsync(limited, Dataset(), new StringContent("a\n" + new string('1', 3000) + "\n", Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig);
        Assert.Contains("2000", bigBody.GetProperty("detail").GetString());

        var (wide, wideBody) = await PostAsync(limited, Dataset(), new StringContent("a,b,c,d\n1,2,3,4\n", Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.BadRequest, wide);
        Assert.Contains("limit of 3", wideBody.GetProperty("detail").GetString());

        var (longField, fieldBody) = await PostAsync(limited, Dataset(), new StringContent("a\nabcdefghijklmnop\n", Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.BadRequest, longField);
        Assert.Contains("limit of 10 characters", fieldBody.GetProperty("detail").GetString());
    }

    /// <summary>Streams a few byte arrays one after another without joining them.</summary>
    sealed class ConcatStream(params byte[][] parts) : Stream
    {
        int _part;
        int _offset;

        public override int Read(byte[] buffer, int offset, int count)
        {
            while (_part < parts.Length && _offset == parts[_part].Length)
                (_part, _offset) = (_part + 1, 0);
            if (_part == parts.Length)
                return 0;
            var n = Math.Min(count, parts[_part].Length - _offset);
            Array.Copy(parts[_part], _offset, buffer, offset, n);
            _offset += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => parts.Sum(p => (long)p.Length);
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

using System.Text;
using System.Text.Json;

using MlOps.AppHost.Dashboard;

namespace MlOps.Tests.AppHost;

public sealed class OtlpPayloadTests
{
    [Fact]
    public void Counts_spans_per_service_in_a_protobuf_export_request()
    {
        var request = Concat(
            Field(1, ResourceEntry("ingestion", scopes: [2, 1])),
            Field(1, ResourceEntry("training", scopes: [4])),
            Field(1, ResourceEntry("ingestion", scopes: [3])));

        var counts = OtlpPayload.CountProtobuf(request);

        Assert.Equal(6, counts["ingestion"]);
        Assert.Equal(4, counts["training"]);
    }

    [Fact]
    public void Counts_items_of_a_resource_without_a_service_name_as_unknown()
    {
        var resource = Field(1, Concat(Field(1, Text("host.name")), Field(2, Field(1, Text("box")))));
        var entry = Concat(Field(1, resource), Field(2, Field(2, [])));

        var counts = OtlpPayload.CountProtobuf(Field(1, entry));

        Assert.Equal(1, counts[OtlpPayload.UnknownService]);
    }

    [Fact]
    public void Ignores_malformed_protobuf_instead_of_failing_the_export()
    {
        var counts = OtlpPayload.CountProtobuf([0x0A, 0xFF, 0xFF, 0x03, 0x01]);

        Assert.Empty(counts);
    }

    [Fact]
    public void Counts_log_records_per_service_in_a_json_export_request()
    {
        var json = """
            {"resourceLogs":[
              {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"serving"}}]},
               "scopeLogs":[{"logRecords":[{},{},{}]},{"logRecords":[{}]}]}]}
            """;

        var counts = OtlpPayload.CountJson(JsonDocument.Parse(json).RootElement);

        Assert.Equal(4, counts["serving"]);
    }

    private static byte[] ResourceEntry(string service, int[] scopes)
    {
        var attribute = Concat(Field(1, Text("service.name")), Field(2, Field(1, Text(service))));
        var parts = new List<byte[]> { Field(1, Field(1, attribute)) };
        foreach (var items in scopes)
        {
            var scope = Concat([Field(1, Field(1, Text("scope"))), .. Enumerable.Range(0, items).Select(_ => Field(2, [0x08, 0x01]))]);
            parts.Add(Field(2, scope));
        }
        return Concat([.. parts]);
    }

    private static byte[] Text(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] Field(int number, byte[] value) =>
        Concat(Varint((ulong)(number << 3 | 2)), Varint((ulong)value.Length), value);

    private static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value == 0 ? b : (byte)(b | 0x80));
        }
        while (value != 0);
        return [.. bytes];
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}

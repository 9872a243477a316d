using System.Text.Json;

namespace MlOps.AppHost.Dashboard;

/// <summary>
/// Reads just enough of an OTLP export request to count items per <c>service.name</c>. The three signals share
/// one shape: request { 1: resource entries { 1: resource { 1: attributes }, 2: scope entries { 2: items } } },
/// so one small protobuf reader serves traces, metrics and logs without a protobuf dependency.
/// </summary>
public static class OtlpPayload
{
    public const string UnknownService = "unknown";

    public static IReadOnlyDictionary<string, int> CountProtobuf(ReadOnlySpan<byte> request)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var reader = new ProtoReader(request);
        while (reader.Next(out var field, out var resourceEntry))
        {
            if (field == 1)
            {
                var (service, items) = ReadResourceEntry(resourceEntry);
                counts[service] = counts.GetValueOrDefault(service) + items;
            }
        }
        return counts;
    }

    public static IReadOnlyDictionary<string, int> CountJson(JsonElement request)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var property in request.EnumerateObject())
        {
            // resourceSpans, resourceMetrics or resourceLogs
            if (!property.Name.StartsWith("resource", StringComparison.Ordinal) || property.Value.ValueKind != JsonValueKind.Array)
            {
                continue;
            }
            foreach (var entry in property.Value.EnumerateArray())
            {
                var service = JsonServiceName(entry);
                var items = 0;
                foreach (var scopes in entry.EnumerateObject().Where(p => p.Name.StartsWith("scope", StringComparison.Ordinal) && p.Value.ValueKind == JsonValueKind.Array))
                {
                    foreach (var scope in scopes.Value.EnumerateArray())
                    {
                        items += scope.EnumerateObject()
                            .Where(p => p.Value.ValueKind == JsonValueKind.Array && p.Name is "spans" or "metrics" or "logRecords")
                            .Sum(p => p.Value.GetArrayLength());
                    }
                }
                counts[service] = counts.GetValueOrDefault(service) + items;
            }
        }
        return counts;
    }

    private static (string Service, int Items) ReadResourceEntry(ReadOnlySpan<byte> entry)
    {
        var service = UnknownService;
        var items = 0;
        var reader = new ProtoReader(entry);
        while (reader.Next(out var field, out var value))
        {
            if (field == 1)
            {
                service = ProtoServiceName(value) ?? service;
            }
            else if (field == 2)
            {
                var scope = new ProtoReader(value);
                while (scope.Next(out var scopeField, out _))
                {
                    if (scopeField == 2)
                    {
                        items++;
                    }
                }
            }
        }
        return (service, items);
    }

    private static string? ProtoServiceName(ReadOnlySpan<byte> resource)
    {
        var reader = new ProtoReader(resource);
        while (reader.Next(out var field, out var attribute))
        {
            if (field != 1)
            {
                continue;
            }
            string? key = null;
            string? text = null;
            var keyValue = new ProtoReader(attribute);
            while (keyValue.Next(out var kvField, out var kvValue))
            {
                if (kvField == 1)
                {
                    key = System.Text.Encoding.UTF8.GetString(kvValue);
                }
                else if (kvField == 2)
                {
                    var anyValue = new ProtoReader(kvValue);
                    while (anyValue.Next(out var anyField, out var anyBytes))
                    {
                        if (anyField == 1)
                        {
                            text = System.Text.Encoding.UTF8.GetString(anyBytes);
                        }
                    }
                }
            }
            if (key == "service.name" && !string.IsNullOrEmpty(text))
            {
                return text;
            }
        }
        return null;
    }

    private static string JsonServiceName(JsonElement entry)
    {
        if (entry.TryGetProperty("resource", out var resource) && resource.TryGetProperty("attributes", out var attributes) && attributes.ValueKind == JsonValueKind.Array)
        {
            foreach (var attribute in attributes.EnumerateArray())
            {
                if (attribute.TryGetProperty("key", out var key) && key.GetString() == "service.name"
                    && attribute.TryGetProperty("value", out var value) && value.TryGetProperty("stringValue", out var text)
                    && text.GetString() is { Length: > 0 } name)
                {
                    return name;
                }
            }
        }
        return UnknownService;
    }
}

using System.Text;
using System.Text.Json.Nodes;

namespace MlOps.Tests.Integration.Fuzz;

/// <summary>What a route's body is, so the generator can start from a valid one and break it.</summary>
public enum BodyKind { None, Csv, Ndjson, Pipeline, Schema, Predict, Feedback, Champion }

/// <summary>One route of a service: placeholders {dataset}, {model}, {name}, {guid}, {int}, {queue} are filled per request.</summary>
public sealed record FuzzRoute(string Method, string Template, BodyKind Body = BodyKind.None, string[]? Queries = null);

public sealed record FuzzRequest(HttpMethod Method, string Path, byte[]? Body, string? ContentType, string? Accept, string? Key)
{
    public override string ToString()
    {
        var body = Body is null ? "no body" : Body.Length > 160 ? $"{Body.Length} bytes: {Printable(Body.AsSpan(0, 160))}…" : $"{Body.Length} bytes: {Printable(Body)}";
        return $"{Method} {Path} [Content-Type: {ContentType ?? "-"}; Accept: {Accept ?? "-"}; key: {(Key is null ? "none" : Key == Infrastructure.ServiceProcess.ApiKey ? "valid" : "wrong")}] {body}";
    }

    static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
            sb.Append(c is < ' ' or > '~' ? $"\\u{(int)c:x4}" : c.ToString());
        return sb.ToString();
    }
}

/// <summary>
/// Malformed requests from a seeded <see cref="Random"/>: hostile names in routes, broken and hostile bodies, wrong content
/// types, odd Accept headers, the API key present, absent or wrong. The same seed gives the same requests.
/// </summary>
public sealed class FuzzInputs(Random random, IReadOnlyList<string> knownModels)
{
    const string Marker = "FUZZMARKER_7f3";

    /// <summary>Names no route may accept. Those with '%' go into the path as written; the rest are percent-encoded as UTF-8.</summary>
    static readonly string[] HostileNames =
    [
        "..%2f..%2fetc", "..%2F..%2Fetc%2Fpasswd", "%2e%2e", "%2e%2e%2f", "a%00b", "%00", "..", ".hidden", "-dash", "_under", "a b", "a%20b",
        "a%2fb", "a%5cb", "a;b", "a'b", "a\"b", "<script>", "a%0d%0ab", "%ff%fe", "%c0%ae%c0%ae", "%", "a%", "a:b", "a*b", "a|b", "a,b",
        new string('a', 101), new string('x', 3000), "données", "模型", "a\u200bb", "\u202eevil", "rtl\u200f", "emoji😀", "a\u0000b", "\u0000",
        "\ud800", "x\udfffy", "ＡＢＣ", "\u0301a", "tab\tname", "new\nline", "NUL%00", "name%ef%bf%bf",
    ];

    static readonly string[] HostileTokens =
    [
        "1e400", "-1e400", "1e-400", new string('9', 400), "-" + new string('9', 400), "NaN", "Infinity", "-Infinity", "\"NaN\"", "\"Infinity\"",
        "\"-Infinity\"", "\"\\ud800\"", "\"\\udc00x\"", "\"\\ud800\\ud800\"", "\"\\u0000\"", "\"a\\u202eb\"", "\"😀\"", "\"\\u200b\"", "null", "true", "false",
        "[]", "{}", "-0", "0.1e", "01", "1.", ".5", "+1", "0x10", "\"" + new string('z', 5000) + "\"", "[1,2,3]", "{\"a\":1}", "\"\"", "-1", "2147483648",
        "-2147483649", "9223372036854775808", "1.5", "123456789012345678901234567890.5", "'single'", "undefined", "\"\\x41\"", "\"\\u12\"",
    ];

    static readonly string[] HostileKeys =
    [
        "\"\"", "\"\\ud800\"", "\"\\u0000\"", "\"😀\"", "\"a\\u200bb\"", "\"\\u202e\"", "\"" + new string('k', 2000) + "\"", "\"__proto__\"", "\"constructor\"",
    ];

    static readonly string?[] ContentTypes =
    [
        null, "text/plain", "application/xml", "multipart/form-data; boundary=x", "application/json; charset=utf-16", "application/x-www-form-urlencoded",
        "text/csv", "application/x-ndjson", "application/json", "foo", "application/jsonl", "text/csv; charset=latin1", "*/*", ";;;", "application/json+fuzz",
    ];

    static readonly string?[] Accepts =
    [
        null, "application/json", "*/*", "text/html", "application/xml", "application/problem+json", "garbage/@@", "text/csv;q=0.1", "image/png, text/plain",
        "application/json;q=0", ";", "text/*",
    ];

    public FuzzRequest Next(FuzzRoute route)
    {
        var path = Fill(route.Template.TrimStart('/'));
        if (route.Queries is { Length: > 0 } queries && random.Next(3) > 0)
            path += "?" + Pick(queries);
        var (body, type) = BodyFor(route.Body);
        if (random.Next(100) < 35)
            type = Pick(ContentTypes);
        var key = random.Next(10) switch { 0 => null, 1 => "not-the-key", _ => Infrastructure.ServiceProcess.ApiKey };
        return new FuzzRequest(new HttpMethod(route.Method), path, body, type, Pick(Accepts), key);
    }

    string Fill(string template)
    {
        var sb = new StringBuilder();
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf('{', i);
            if (open < 0) { sb.Append(template, i, template.Length - i); break; }
            sb.Append(template, i, open - i);
            var close = template.IndexOf('}', open);
            sb.Append(template[(open + 1)..close] switch
            {
                "dataset" or "name" => Encode(Name(models: false)),
                "model" => Encode(Name(models: true)),
                "guid" => random.Next(5) == 0 ? Pick(["not-a-guid", "0", "%00", "{" + Guid.NewGuid() + "}", "..%2f"]) : Guid.NewGuid().ToString(),
                "int" => random.Next(4) == 0 ? Pick(["abc", "-1", "0", "2147483648", "1e3", "%00", "1.5"]) : random.Next(1, 5).ToString(),
                "queue" => Encode(random.Next(2) == 0 ? Pick(HostileNames) : "queue-" + random.Next(1000)),
                var other => throw new InvalidOperationException($"unknown placeholder {other}"),
            });
            i = close + 1;
        }
        return sb.ToString();
    }

    string Name(bool models) => random.Next(10) switch
    {
        < 4 => Pick(HostileNames),
        < 7 when models && knownModels.Count > 0 => Pick(knownModels),
        8 => "v" + new string('1', 99),
        _ => "fuzz-" + random.Next(100_000),
    };

    /// <summary>UTF-8 percent-encoding of everything but unreserved characters; a name holding '%' is already encoded.</summary>
    static string Encode(string name)
    {
        if (name.Contains('%'))
            return name;
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(name))
            sb.Append(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~' ? ((char)b).ToString() : $"%{b:X2}");
        return sb.ToString();
    }

    (byte[]? Body, string? Type) BodyFor(BodyKind kind) => kind switch
    {
        BodyKind.None => random.Next(4) == 0 ? (Json(Template(BodyKind.Champion)), "application/json") : (null, null),
        BodyKind.Csv => random.Next(3) == 0 ? (Ndjson(), "application/x-ndjson") : (Csv(), "text/csv"),
        BodyKind.Ndjson => (Ndjson(), "application/x-ndjson"),
        _ => (Json(Template(kind)), "application/json"),
    };

    JsonNode Template(BodyKind kind)
    {
        var row = new JsonObject { ["date"] = "2012-01-0" + random.Next(1, 9), ["precipitation"] = random.NextDouble() * 10, ["temp_max"] = 12.5, ["temp_min"] = 4.0, ["wind"] = 3.2 };
        return kind switch
        {
            BodyKind.Pipeline => new JsonObject
            {
                ["dataset"] = "fuzz-ds-" + random.Next(1000), ["task"] = Pick(["multiclass", "binary", "regression"]), ["target"] = "weather",
                ["exclude"] = new JsonArray("date"),
                ["trainer"] = new JsonObject { ["name"] = Pick(["gbdt", "logistic", "lightgbm"]), ["params"] = new JsonObject { ["trees"] = 2, ["learningRate"] = 0.1 } },
                ["split"] = new JsonObject { ["by"] = "random", ["holdout"] = 0.2, ["seed"] = 42 },
                ["retrain"] = new JsonObject { ["minNewRows"] = 500, ["onDrift"] = true, ["cooldownSeconds"] = 60 },
                ["promotion"] = new JsonObject { ["metric"] = "accuracy", ["minImprovement"] = 0.0, ["minScore"] = null, ["requireApproval"] = false },
                ["drift"] = new JsonObject { ["windowRows"] = 500, ["psi"] = 0.2, ["ksPValue"] = 0.05, ["driftShare"] = 0.5 },
                ["serving"] = new JsonObject { ["shadowShare"] = 0.0 },
                ["alerts"] = new JsonObject { ["webhook"] = null },
            },
            BodyKind.Schema => new JsonObject
            {
                ["columns"] = new JsonArray(
                    new JsonObject { ["name"] = "x", ["type"] = "float", ["required"] = true, ["maxNullFraction"] = 0.1, ["min"] = 0, ["max"] = 10, ["binEdges"] = new JsonArray(0, 1, 2) },
                    new JsonObject { ["name"] = "c", ["type"] = "string", ["domain"] = new JsonArray("a", "b"), ["skew"] = new JsonObject { ["kind"] = "linf", ["threshold"] = 0.1 } }),
                ["minRows"] = 1, ["maxDuplicateFraction"] = 0.05,
            },
            BodyKind.Predict => new JsonObject { ["rows"] = new JsonArray(row, row.DeepClone()) },
            BodyKind.Feedback => new JsonObject { ["items"] = new JsonArray(new JsonObject { ["predictionId"] = Guid.CreateVersion7().ToString(), ["label"] = "sun" }) },
            _ => new JsonObject { ["version"] = random.Next(0, 3), ["reason"] = "fuzz" },
        };
    }

    /// <summary>A valid JSON body broken in one of several ways (or, now and then, left valid).</summary>
    byte[] Json(JsonNode template)
    {
        var text = random.Next(12) switch
        {
            0 => template.ToJsonString(),
            1 or 2 or 3 or 4 => WithValue(template, Pick(HostileTokens)),
            5 => WithKey(template, Pick(HostileKeys)),
            6 => WithDuplicateKey(template),
            7 => Truncate(template.ToJsonString()),
            8 => WithValue(template, Deep(random.Next(2) == 0 ? random.Next(65, 200) : random.Next(1000, 6000))),
            9 => Pick(["", " ", "[]", "null", "1", "\"x\"", "{}", "{", "}", "{\"rows\":", "\u0000", "{\"a\":1}{\"b\":2}", "// comment\n{}", "{'a':1}", "{\"a\":1,}"]),
            10 => Deep(random.Next(1000, 6000)),
            _ => null,
        };
        return text is null ? Garbage() : Encoding.UTF8.GetBytes(text);
    }

    string Deep(int depth) => random.Next(2) == 0
        ? new string('[', depth) + new string(']', depth)
        : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);

    string Truncate(string text) => text[..random.Next(text.Length)];

    byte[] Garbage()
    {
        var bytes = new byte[random.Next(1, 2000)];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Serializes the template with one of its values (or containers) replaced by a raw token.</summary>
    string WithValue(JsonNode template, string token)
    {
        var copy = template.DeepClone();
        var nodes = Descendants(copy).Where(n => n.Parent is not null).ToList();
        if (nodes.Count == 0)
            return token;
        var node = Pick(nodes);
        switch (node.Parent)
        {
            case JsonObject o: o[node.GetPropertyName()] = Marker; break;
            case JsonArray a: a[node.GetElementIndex()] = Marker; break;
        }
        return copy.ToJsonString().Replace($"\"{Marker}\"", token);
    }

    string WithKey(JsonNode template, string rawKey)
    {
        var copy = template.DeepClone();
        var objects = Descendants(copy).OfType<JsonObject>().Prepend(copy as JsonObject).OfType<JsonObject>().Where(o => o.Count > 0).ToList();
        if (objects.Count == 0)
            return copy.ToJsonString();
        var target = Pick(objects);
        var name = Pick(target.Select(p => p.Key).ToList());
        var value = target[name];
        target.Remove(name);
        target[Marker] = value;
        return copy.ToJsonString().Replace($"\"{Marker}\"", rawKey);
    }

    string WithDuplicateKey(JsonNode template)
    {
        var text = template.ToJsonString();
        if (template is not JsonObject { Count: > 0 } root)
            return text;
        var (name, value) = root.First();
        return text[..^1] + $",\"{name}\":{(random.Next(2) == 0 ? Pick(HostileTokens) : value?.ToJsonString() ?? "null")}}}";
    }

    static IEnumerable<JsonNode> Descendants(JsonNode? node)
    {
        if (node is null)
            yield break;
        yield return node;
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a,
            _ => [],
        };
        foreach (var child in children)
            foreach (var d in Descendants(child))
                yield return d;
    }

    static readonly string[] CsvHeaders =
    [
        "a,b,c", "a,a,b", ",b,c", "😀,\u202eb,\u200bc", "\"quoted,comma\",b", "\"unterminated,b", "a\u0000b,c", new string('h', 2000) + ",b", "=cmd(),b",
        "données,模型", "\ufeffa,b", "a;b;c", "\"a\"\"b\",c", "a,\"b\nc\",d", " , , ", "a\tb",
    ];

    static readonly string[] CsvValues =
    [
        "1", "2.5", "", "1e400", "-1e400", "NaN", "Infinity", "-Infinity", new string('9', 400), "\"x,y\"", "\"open", "true", "2015-12-31", "\u0000",
        "😀", "\u202e", "null", "\"\"\"\"", new string('v', 3000),
    ];

    byte[] Csv()
    {
        switch (random.Next(8))
        {
            case 0: return Garbage();
            case 1: return Encoding.UTF8.GetBytes(Pick(["", "\n", "\r\n\r\n", "\ufeff", "a,b", "a,b\n", ",\n,\n", "\"\n"]));
            case 2:
                // Invalid UTF-8 (an encoded surrogate, a lone continuation byte) in the header.
                return [.. "a,"u8, 0xED, 0xA0, 0x80, .. ",c\n1,2,3\n"u8, 0x80, (byte)'\n'];
        }
        var header = Pick(CsvHeaders);
        var columns = header.Split(',').Length;
        var sb = new StringBuilder(header).Append(random.Next(3) == 0 ? "\r\n" : "\n");
        for (var r = random.Next(0, 6); r > 0; r--)
        {
            var width = random.Next(5) == 0 ? random.Next(0, columns + 3) : columns;
            sb.AppendJoin(',', Enumerable.Range(0, width).Select(_ => Pick(CsvValues))).Append('\n');
        }
        var text = sb.ToString();
        return Encoding.UTF8.GetBytes(random.Next(6) == 0 ? Truncate(text) : text);
    }

    byte[] Ndjson()
    {
        if (random.Next(8) == 0)
            return Garbage();
        var sb = new StringBuilder();
        for (var r = random.Next(1, 6); r > 0; r--)
        {
            var line = random.Next(8) switch
            {
                0 => "{\"\":1}",
                1 => "{\"a\":1,\"a\":2}",
                2 => $"{{{Pick(HostileKeys)}:1,\"b\":2}}",
                3 => Deep(random.Next(60, 3000)),
                4 => Pick(["[1,2]", "1", "\"s\"", "null", "", "{", "{\"a\":}", "{\"a\":1}}", "\u0000"]),
                _ => $"{{\"a\":{Pick(HostileTokens)},\"b\":\"x\"}}",
            };
            sb.Append(line).Append('\n');
        }
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];
}

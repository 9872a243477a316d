using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MlOps.Cli.Platform;

/// <summary>
/// A YAML document as the JSON it stands for: mappings become objects, sequences arrays, and plain scalars take
/// YAML's core-schema types (null, booleans, integers, floats); quoted scalars stay strings.
/// </summary>
public static class YamlJson
{
    public static JsonNode? Convert(string yaml, string source)
    {
        var stream = new YamlStream();
        try { stream.Load(new StringReader(yaml)); }
        catch (YamlException e) { throw new CliException($"{source} is not valid YAML (line {e.Start.Line}, column {e.Start.Column}): {e.InnerException?.Message ?? e.Message}"); }
        // The parser gives up this way on some unterminated input (an unclosed flow sequence at the end).
        catch (InvalidOperationException) { throw new CliException($"{source} is not valid YAML: it ends inside an unclosed [ ] or {{ }}."); }
        if (stream.Documents.Count != 1)
            throw new CliException($"{source} holds {stream.Documents.Count} YAML documents; a pipeline definition is one.");
        return Node(stream.Documents[0].RootNode, source);
    }

    static JsonNode? Node(YamlNode node, string source) => node switch
    {
        YamlMappingNode map => Object(map, source),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(c => Node(c, source)).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new CliException($"{source}: YAML aliases are not supported (line {node.Start.Line})."),
    };

    static JsonObject Object(YamlMappingNode map, string source)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in map.Children)
        {
            if (key is not YamlScalarNode { Value: { } name })
                throw new CliException($"{source}: a mapping key at line {key.Start.Line} is not a plain name.");
            if (obj.ContainsKey(name))
                throw new CliException($"{source}: key '{name}' appears twice (line {key.Start.Line}).");
            obj[name] = Node(value, source);
        }
        return obj;
    }

    static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any))
            return JsonValue.Create(text);
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
            return JsonValue.Create(integer);
        if (IsDecimal(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
            return JsonValue.Create(number);
        return JsonValue.Create(text);
    }

    // YAML 1.2 floats: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? — not "Infinity", "1_000" or hex.
    static bool IsDecimal(string text)
    {
        var i = 0;
        if (i < text.Length && text[i] is '+' or '-') i++;
        var digits = 0;
        while (i < text.Length && char.IsAsciiDigit(text[i])) { i++; digits++; }
        if (i < text.Length && text[i] == '.')
        {
            i++;
            while (i < text.Length && char.IsAsciiDigit(text[i])) { i++; digits++; }
        }
        if (digits == 0) return false;
        if (i < text.Length && text[i] is 'e' or 'E')
        {
            i++;
            if (i < text.Length && text[i] is '+' or '-') i++;
            var exponent = 0;
            while (i < text.Length && char.IsAsciiDigit(text[i])) { i++; exponent++; }
            if (exponent == 0) return false;
        }
        return i == text.Length;
    }
}

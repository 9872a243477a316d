using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MlOps.Tabular;

namespace MlOps.ServiceDefaults.Http;

/// <summary>
/// Reads a JSON request body as a document, within <see cref="LimitsOptions.JsonMaxDepth"/>, answering a wrong content
/// type with 415 and bad JSON (half a surrogate pair escaped in a string included) with 400.
/// </summary>
public static class JsonBody
{
    /// <param name="what">What the body is, as the problem names it ("the definition").</param>
    public static async Task<JsonDocument> ParseAsync(HttpRequest request, string what, CancellationToken ct)
    {
        if (request.ContentType is { } type && !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            throw new RequestProblemException(StatusCodes.Status415UnsupportedMediaType, "Unsupported content type",
                $"Content type '{type}' is not accepted: send {what} as application/json.");
        var depth = request.HttpContext.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value.JsonMaxDepth;
        // Not disposed: the document reads from its array until the caller disposes the document.
        var buffer = new MemoryStream(request.ContentLength is > 0 and < 1 << 20 ? (int)request.ContentLength : 4096);
        await request.Body.CopyToAsync(buffer, ct);
        var json = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        var subject = char.ToUpperInvariant(what[0]) + what[1..];
        JsonDocument document;
        try { document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = depth }); }
        catch (JsonException e)
        {
            throw new RequestProblemException(StatusCodes.Status400BadRequest, "Malformed JSON", $"{subject} is not valid JSON: {e.Message}");
        }
        // Checked after parsing, so the document's own errors (depth, syntax) are reported first and the scan finds valid JSON.
        if (JsonEscapes.FindInvalidSurrogate(json.Span, depth) is { } at)
        {
            document.Dispose();
            throw new RequestProblemException(StatusCodes.Status400BadRequest, "Malformed JSON",
                $"{subject} is not valid JSON: the string or key at byte {at} escapes half of a UTF-16 surrogate pair (e.g. \\ud800 without its low half).");
        }
        if (HoldsNul(json.Span, depth) is { } nul)
        {
            document.Dispose();
            throw new RequestProblemException(StatusCodes.Status400BadRequest, "Malformed JSON",
                $"{subject} holds the character U+0000 (NUL) in the string or key at byte {nul}, which no value may hold.");
        }
        return document;
    }

    /// <summary>The byte offset of the first string or key holding U+0000 (only possible escaped, as \u0000), or null.</summary>
    static long? HoldsNul(ReadOnlySpan<byte> json, int depth)
    {
        if (json.IndexOf("u0000"u8) < 0)
            return null;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = depth });
        while (reader.Read())
        {
            if (reader.TokenType is (JsonTokenType.String or JsonTokenType.PropertyName) && reader.ValueIsEscaped && reader.GetString()!.Contains('\0'))
                return reader.TokenStartIndex;
        }
        return null;
    }
}

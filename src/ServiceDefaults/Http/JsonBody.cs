using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MlOps.ServiceDefaults.Http;

/// <summary>Reads a JSON request body as a document, within <see cref="LimitsOptions.JsonMaxDepth"/>, answering a wrong content type with 415 and bad JSON with 400.</summary>
public static class JsonBody
{
    /// <param name="what">What the body is, as the problem names it ("the definition").</param>
    public static async Task<JsonDocument> ParseAsync(HttpRequest request, string what, CancellationToken ct)
    {
        if (request.ContentType is { } type && !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            throw new RequestProblemException(StatusCodes.Status415UnsupportedMediaType, "Unsupported content type",
                $"Content type '{type}' is not accepted: send {what} as application/json.");
        var depth = request.HttpContext.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value.JsonMaxDepth;
        try { return await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = depth }, ct); }
        catch (JsonException e)
        {
            throw new RequestProblemException(StatusCodes.Status400BadRequest, "Malformed JSON", $"{char.ToUpperInvariant(what[0])}{what[1..]} is not valid JSON: {e.Message}");
        }
    }
}

using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace MlOps.Cli.Platform;

/// <summary>
/// The one HTTP client of every platform command: resolves each service's address, sends the API key, and turns an
/// unreachable service or any 4xx/5xx answer into a <see cref="PlatformException"/> naming the service, the URL and
/// the server's problem detail.
/// </summary>
public sealed class PlatformClient : IDisposable
{
    public const string ApiKeyHeader = "X-Api-Key";

    readonly CliContext _context;
    readonly HttpClient _http;

    public PlatformClient(CliContext context)
    {
        _context = context;
        _http = context.Handler is { } handler ? new HttpClient(handler, disposeHandler: false) : new HttpClient();
        _http.Timeout = Timeout.InfiniteTimeSpan;
    }

    public Uri Url(PlatformService service, string path) => new(_context.AddressOf(service), path.TrimStart('/'));

    /// <summary>Sends a request and returns the successful response (the caller disposes it); failures throw <see cref="PlatformException"/>.</summary>
    public async Task<HttpResponseMessage> SendAsync(PlatformService service, HttpMethod method, string path, HttpContent? content = null,
        IReadOnlyDictionary<string, string>? headers = null, CancellationToken ct = default)
    {
        var response = await SendAnyStatusAsync(service, method, path, content, headers, ct);
        if (response.IsSuccessStatusCode)
            return response;
        using (response)
            throw await ProblemAsync(service, method, response.RequestMessage?.RequestUri ?? Url(service, path), response, ct);
    }

    /// <summary>Sends a request and returns whatever the service answered; only an unreachable service or a timeout throws.</summary>
    public async Task<HttpResponseMessage> SendAnyStatusAsync(PlatformService service, HttpMethod method, string path, HttpContent? content = null,
        IReadOnlyDictionary<string, string>? headers = null, CancellationToken ct = default)
    {
        var url = Url(service, path);
        using var request = new HttpRequestMessage(method, url) { Content = content };
        if (_context.ApiKey is { } key)
            request.Headers.TryAddWithoutValidation(ApiKeyHeader, key);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            request.Headers.TryAddWithoutValidation(name, value);
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("application/problem+json");
        request.Headers.Accept.ParseAdd("*/*;q=0.5");

        HttpResponseMessage response;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_context.RequestTimeout);
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        }
        catch (HttpRequestException e)
        {
            throw new PlatformException($"cannot reach {service.Name} at {Origin(url)} — is the platform running? scripts/run.sh ({Innermost(e).Message})");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new PlatformException($"{service.Name} at {Origin(url)} did not answer {method} {url.AbsolutePath} within {_context.RequestTimeout.TotalSeconds:0} s.");
        }
        return response;
    }

    public async Task<JsonNode?> GetJsonAsync(PlatformService service, string path, CancellationToken ct = default) =>
        await SendJsonAsync(service, HttpMethod.Get, path, null, null, ct);

    /// <summary>Sends <paramref name="body"/> as JSON (when given) and reads the JSON answer.</summary>
    public async Task<JsonNode?> SendJsonAsync(PlatformService service, HttpMethod method, string path, JsonNode? body,
        IReadOnlyDictionary<string, string>? headers = null, CancellationToken ct = default)
    {
        using var content = body is null ? null : new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await SendAsync(service, method, path, content, headers, ct);
        return await ReadJsonAsync(service, response, ct);
    }

    public static async Task<JsonNode?> ReadJsonAsync(PlatformService service, HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        if (text.Length == 0)
            return null;
        try { return JsonNode.Parse(text); }
        catch (System.Text.Json.JsonException e)
        {
            throw new PlatformException($"{service.Name} answered {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} with something that is not JSON ({e.Message}): {Clip(text)}");
        }
    }

    /// <summary>The error a failed answer becomes: service, method, URL, status, and the problem's title, detail and field errors.</summary>
    async Task<PlatformException> ProblemAsync(PlatformService service, HttpMethod method, Uri url, HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        string body;
        try { body = await response.Content.ReadAsStringAsync(ct); }
        catch (HttpRequestException) { body = ""; }
        var message = DescribeProblem(service.Name, method.Method, url, status, response.ReasonPhrase, response.Content.Headers.ContentType, body);
        if (status == 401 && _context.ApiKey is null)
            message += $"\n  {CliContext.ApiKeyVariable} is not set: export the key the AppHost prints at start.";
        return new PlatformException(message, status);
    }

    public static string DescribeProblem(string service, string method, Uri url, int status, string? reason, MediaTypeHeaderValue? contentType, string body)
    {
        var text = new StringBuilder($"{service} answered {status}{(string.IsNullOrEmpty(reason) ? "" : " " + reason)} to {method} {url}");
        JsonObject? problem = null;
        if (body.Length > 0 && (contentType?.MediaType?.Contains("json", StringComparison.OrdinalIgnoreCase) ?? body.TrimStart().StartsWith('{')))
        {
            try { problem = JsonNode.Parse(body) as JsonObject; }
            catch (System.Text.Json.JsonException) { }
        }
        if (problem is null)
        {
            if (body.Trim().Length > 0)
                text.Append(": ").Append(Clip(body.Trim()));
            return text.ToString();
        }
        var title = (problem["title"] as JsonValue)?.ToString();
        var detail = (problem["detail"] as JsonValue)?.ToString();
        if (title is not null)
            text.Append(": ").Append(title);
        if (detail is not null)
            text.Append(title is null ? ": " : " — ").Append(detail);
        if (problem["errors"] is JsonObject errors)
            foreach (var (field, messages) in errors)
            {
                var list = messages is JsonArray a ? a.Select(m => m?.ToString()) : [messages?.ToString()];
                foreach (var message in list)
                    if (detail is null || !detail.Contains($"{field}: {message}", StringComparison.Ordinal))
                        text.Append("\n  ").Append(field.Length == 0 ? "(definition)" : field).Append(": ").Append(message);
            }
        if (title is null && detail is null && problem["errors"] is null)
            text.Append(": ").Append(Clip(body.Trim()));
        return text.ToString();
    }

    static string Origin(Uri url) => url.GetLeftPart(UriPartial.Authority);

    static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;

    static string Clip(string text) => text.Length <= 500 ? text : text[..500] + "…";

    public void Dispose() => _http.Dispose();
}

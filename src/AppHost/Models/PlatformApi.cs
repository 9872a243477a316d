using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace MlOps.AppHost.Models;

/// <summary>
/// The services' HTTP APIs as the AppHost calls them: the platform's API key on every request, the caller named in
/// <c>X-User</c> (what the Registry's audit log records). Two kinds of call: <see cref="Watch"/> for the polls that keep
/// the dashboard current, which carry a not-sampled trace context so the services record no trace for them (an idle
/// platform shows no traces), and <see cref="Act"/> for an operator's command, which starts a trace of its own.
/// </summary>
public sealed class PlatformApi : IDisposable
{
    readonly Dictionary<string, Uri> _services = new(StringComparer.OrdinalIgnoreCase);
    readonly HttpClient _watch;
    readonly HttpClient _act;

    public PlatformApi(string apiKey)
    {
        ApiKey = apiKey;
        // No propagator: the not-sampled traceparent set below is the only one a watch request carries.
        _watch = Client(new SocketsHttpHandler { ActivityHeadersPropagator = DistributedContextPropagator.CreateNoOutputPropagator() }, TimeSpan.FromSeconds(10));
        _act = Client(new SocketsHttpHandler(), TimeSpan.FromMinutes(2));
    }

    public string ApiKey { get; }

    /// <summary>Who the AppHost's commands act as (the Registry's audit log names them).</summary>
    public string User { get; } = $"{Environment.UserName} (dashboard)";

    public void Add(string service, int port) => _services[service] = new Uri($"http://127.0.0.1:{port}/");

    public IReadOnlyCollection<string> Services => _services.Keys;

    public Uri Url(string service, string path) => new(_services[service], path.TrimStart('/'));

    HttpClient Client(HttpMessageHandler handler, TimeSpan timeout)
    {
        var client = new HttpClient(handler) { Timeout = timeout };
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        client.DefaultRequestHeaders.Add("X-User", User);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    /// <summary>A poll: the JSON answer, or null for 404; other failures throw <see cref="HttpRequestException"/>.</summary>
    public async Task<JsonElement?> Watch(string service, string path, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Url(service, path));
        request.Headers.Add("traceparent", $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-00");
        using var response = await _watch.SendAsync(request, ct);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
            return null;
        await EnsureSuccessAsync(service, request, response, ct);
        return await response.Content.ReadFromJsonAsync<JsonElement>(ct);
    }

    /// <summary>
    /// An operator's change: sends <paramref name="content"/> and returns the JSON answer; a failure throws with the
    /// service's problem detail. <paramref name="quiet"/>: the AppHost's own change at start (applying the pipeline
    /// files), sent like a poll so the services record no trace of it.
    /// </summary>
    public async Task<JsonElement> Act(HttpMethod method, string service, string path, HttpContent? content, CancellationToken ct, bool quiet = false)
    {
        using var request = new HttpRequestMessage(method, Url(service, path)) { Content = content };
        if (quiet)
            request.Headers.Add("traceparent", $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-00");
        using var response = await (quiet ? _watch : _act).SendAsync(request, ct);
        await EnsureSuccessAsync(service, request, response, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public Task<JsonElement> Act(HttpMethod method, string service, string path, object body, CancellationToken ct) =>
        Act(method, service, path, JsonContent.Create(body), ct);

    static async Task EnsureSuccessAsync(string service, HttpRequestMessage request, HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
            return;
        var body = await response.Content.ReadAsStringAsync(ct);
        var detail = body;
        try
        {
            using var problem = JsonDocument.Parse(body);
            if (problem.RootElement.ValueKind == JsonValueKind.Object)
            {
                var title = problem.RootElement.TryGetProperty("title", out var t) ? t.GetString() : null;
                var text = problem.RootElement.TryGetProperty("detail", out var d) ? d.GetString() : null;
                detail = string.Join(": ", new[] { title, text }.Where(s => !string.IsNullOrEmpty(s)));
            }
        }
        catch (JsonException)
        {
        }
        throw new PlatformApiException($"{service} answered {(int)response.StatusCode} to {request.Method} {request.RequestUri?.AbsolutePath}: {detail}", (int)response.StatusCode);
    }

    public void Dispose()
    {
        _watch.Dispose();
        _act.Dispose();
    }
}

public sealed class PlatformApiException(string message, int status) : HttpRequestException(message)
{
    public int Status { get; } = status;
}

using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace MlOps.ServiceDefaults.Http;

/// <summary>Who may call what (section <c>Security</c>, environment <c>Security__*</c>).</summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>The key callers send as <c>X-Api-Key: key</c> or <c>Authorization: Bearer key</c>. The AppHost generates one.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Requests that change state (POST, PUT, PATCH, DELETE) need the key. On by default; with no key configured, writes are refused.</summary>
    public bool RequireKeyForWrites { get; set; } = true;

    /// <summary>Reads (GET, HEAD) need the key too. Off by default; <c>/health</c>, <c>/alive</c> and the OpenAPI description stay open either way.</summary>
    public bool RequireKeyForReads { get; set; }
}

/// <summary>
/// Checks the API key before anything else runs, body parsing included: a request that needs the key and lacks it gets
/// 401 whatever it carries. The admin endpoints (<c>/admin/…</c>, which show message contents) need the key for reads as well.
/// </summary>
public sealed class ApiKeyGate(RequestDelegate next, IOptionsMonitor<SecurityOptions> options)
{
    public const string Header = "X-Api-Key";

    static readonly PathString[] AlwaysOpen = ["/health", "/alive", "/openapi"];

    public async Task InvokeAsync(HttpContext http)
    {
        var settings = options.CurrentValue;
        var request = http.Request;
        if (AlwaysOpen.Any(p => request.Path.StartsWithSegments(p)) || HttpMethods.IsOptions(request.Method))
        {
            await next(http);
            return;
        }
        var write = !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method));
        var needed = write ? settings.RequireKeyForWrites : settings.RequireKeyForReads || request.Path.StartsWithSegments("/admin");
        if (!needed || (settings.ApiKey is { Length: > 0 } key && Matches(Presented(request), key)))
        {
            await next(http);
            return;
        }

        string detail;
        if (settings.ApiKey is not { Length: > 0 })
            detail = "This service has no API key configured (Security:ApiKey), so it accepts no requests that need one. Configure a key, or open these requests with Security:RequireKeyForWrites=false.";
        else if (Presented(request) is null)
            detail = $"{request.Method} {request.Path} needs the platform's API key: send it as '{Header}: <key>' or 'Authorization: Bearer <key>' (the AppHost prints it as MLOPS_API_KEY at start).";
        else
            detail = $"The API key sent with {request.Method} {request.Path} is not this platform's key.";
        http.Response.StatusCode = StatusCodes.Status401Unauthorized;
        http.Response.Headers.WWWAuthenticate = "Bearer realm=\"mlops\", ApiKey header=\"X-Api-Key\"";
        await Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "API key required", detail: detail).ExecuteAsync(http);
    }

    static string? Presented(HttpRequest request)
    {
        if (request.Headers[Header] is { Count: > 0 } header && header.ToString() is { Length: > 0 } value)
            return value;
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.Length > 7 ? authorization[7..].Trim() : null;
    }

    /// <summary>Compares hashes, so the time taken says nothing about the key's length or prefix.</summary>
    static bool Matches(string? presented, string key) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}

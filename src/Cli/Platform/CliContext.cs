using MlOps.Cli.Platform;

namespace MlOps.Cli;

/// <summary>
/// What the CLI takes from its surroundings: environment variables (service addresses, API key), the user name sent
/// with manual promotions, and the HTTP handler. Tests pass their own so nothing process-wide is changed.
/// </summary>
public sealed class CliContext
{
    public const string ApiKeyVariable = "MLOPS_API_KEY";

    /// <summary>Reads an environment variable; the process environment unless a test injects its own.</summary>
    public Func<string, string?> Variable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>The HTTP handler for platform calls; a fresh <see cref="SocketsHttpHandler"/> when null.</summary>
    public HttpMessageHandler? Handler { get; init; }

    /// <summary>Who promotes a model (the <c>X-User</c> header): the operating system's user name by default.</summary>
    public string UserName { get; init; } = Environment.UserName;

    /// <summary>How long one request may take before the CLI gives up on it.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public static CliContext FromProcess() => new();

    /// <summary>A context whose environment is exactly <paramref name="variables"/> (nothing from the process).</summary>
    public static CliContext WithVariables(IReadOnlyDictionary<string, string> variables) =>
        new() { Variable = name => variables.TryGetValue(name, out var value) ? value : null };

    public string? ApiKey => Variable(ApiKeyVariable) is { Length: > 0 } key ? key : null;

    /// <summary>The service's base address: <c>MLOPS_URL_&lt;SERVICE&gt;</c>, else http://127.0.0.1:&lt;default port&gt;.</summary>
    public Uri AddressOf(PlatformService service)
    {
        var configured = Variable(service.UrlVariable);
        if (string.IsNullOrWhiteSpace(configured))
            return new Uri($"http://127.0.0.1:{service.DefaultPort}/");
        if (!Uri.TryCreate(configured.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new CliException($"{service.UrlVariable}='{configured}' is not an http:// or https:// address.");
        // A trailing slash makes relative paths append to a base path instead of replacing its last segment.
        return uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri.GetLeftPart(UriPartial.Path) + "/");
    }
}

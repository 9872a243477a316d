using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using MlOps.AppHost.Resources;

namespace MlOps.AppHost;

/// <summary>The AppHost's settings (section <c>AppHost</c>, environment <c>AppHost__*</c> or <c>--AppHost:*</c>).</summary>
/// <param name="Containers"><c>AppHost:Containers=true</c>: RabbitMQ and PostgreSQL as Aspire's container resources (needs a container runtime).</param>
public sealed record PlatformSettings(string StateDir, bool FreePorts, IConfigurationSection Ports, string? Messaging, string? Postgres, bool Containers = false)
{
    public const string Section = "AppHost";

    // Where the dashboard listens unless configured otherwise: its page, OTLP over gRPC and HTTP, and the resource
    // service it reads the app model from. Plain HTTP on the loopback interface: there is no trusted development
    // certificate on these machines, and the browser token and the OTLP API key stay on.
    static readonly Dictionary<string, string> DashboardDefaults = new()
    {
        ["ASPNETCORE_URLS"] = "http://127.0.0.1:18888",
        ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = "http://127.0.0.1:18889",
        ["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = "http://127.0.0.1:18890",
        ["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = "http://127.0.0.1:18887",
        ["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true",
        ["ASPIRE_VERSION_CHECK_DISABLED"] = "true",
        ["DOTNET_DASHBOARD_TELEMETRY_OPTOUT"] = "true",
    };

    /// <summary>The dashboard defaults as command-line settings, each only where the environment and the arguments say nothing.</summary>
    public static string[] WithDashboardDefaults(string[] args)
    {
        var extra = new List<string>();
        foreach (var (key, value) in DashboardDefaults)
        {
            if (Environment.GetEnvironmentVariable(key) is null && !args.Any(a => a.TrimStart('-').StartsWith(key + "=", StringComparison.OrdinalIgnoreCase)))
            {
                extra.Add($"--{key}={value}");
            }
        }
        if (args.Any(a => a.Equals("--unsecured", StringComparison.OrdinalIgnoreCase)))
        {
            // Opt-in: no browser token (a dashboard anyone on this machine can open). Documented in the README.
            extra.Add("--ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true");
            args = args.Where(a => !a.Equals("--unsecured", StringComparison.OrdinalIgnoreCase)).ToArray();
        }
        return [.. extra, .. args];
    }

    public static PlatformSettings From(IDistributedApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(Section);
        var stateDir = section["StateDir"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(RepoRoot(builder.AppHostDirectory), ".mlops");
        return new PlatformSettings(
            stateDir,
            section.GetValue("FreePorts", false),
            section.GetSection("Ports"),
            builder.Configuration.GetConnectionString("messaging"),
            builder.Configuration.GetConnectionString("postgres"),
            section.GetValue("Containers", false)) { ReplicaCounts = section.GetSection("Replicas") };
    }

    /// <summary>A service's port: <c>AppHost:Ports:&lt;name&gt;</c>, else a free one with <c>AppHost:FreePorts</c>, else the documented default.</summary>
    public int ServicePort(string name, int defaultPort) =>
        Ports.GetValue<int?>(name) is { } port ? LocalServer.PortOrFree(port)
        : FreePorts ? LoopbackPorts.Free()
        : defaultPort;

    public int? ServerPort(string name) => Ports.GetValue<int?>(name);

    /// <summary>The services that run with <c>AppHost:Replicas</c> replicas; the others run once unless named on their own.</summary>
    public static readonly IReadOnlySet<string> Scalable = new HashSet<string>(StringComparer.Ordinal) { "validation", "training", "serving", "monitoring" };

    /// <summary>
    /// How many processes run a service: <c>AppHost:Replicas:&lt;name&gt;</c>, else <c>AppHost:Replicas</c> for the
    /// <see cref="Scalable"/> services, else 1.
    /// </summary>
    public int Replicas(string name)
    {
        var count = ReplicaCounts?.GetValue<int?>(name) ?? (Scalable.Contains(name) && int.TryParse(ReplicaCounts?.Value, out var all) ? all : 1);
        return count >= 1 ? count
            : throw new InvalidOperationException($"AppHost:Replicas{(ReplicaCounts?[name] is null ? "" : ":" + name)} must be at least 1 (it is {count}).");
    }

    /// <summary>
    /// The resource name and port of each process of a service: the first is the service itself (<c>validation</c>), the
    /// others <c>validation-2</c>, <c>validation-3</c> … on <c>AppHost:Ports:validation-2</c>, else a free port with
    /// <c>AppHost:FreePorts</c>, else the documented port plus 100 per replica (5202, 5302 …).
    /// </summary>
    public IReadOnlyList<(string Name, int Port)> Instances(string name, int defaultPort) =>
        [.. Enumerable.Range(1, Replicas(name)).Select(i => i == 1
            ? (name, ServicePort(name, defaultPort))
            : ($"{name}-{i}", ServicePort($"{name}-{i}", defaultPort + 100 * (i - 1))))];

    internal IConfigurationSection? ReplicaCounts { get; init; }

    /// <summary>
    /// The platform's API key: <c>AppHost:ApiKey</c> when configured, else the one generated at the first start and
    /// kept in the state directory (readable by its owner only), so scripts keep working across restarts.
    /// </summary>
    public string ApiKey(IConfiguration configuration)
    {
        if (configuration[$"{Section}:ApiKey"] is { Length: > 0 } configured)
            return configured;
        return LocalServer.Secret(Path.Combine(StateDir, "api-key"));
    }

    internal static string RepoRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MlOps.sln")))
            {
                return dir.FullName;
            }
        }
        return start;
    }
}

using System.Diagnostics;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MlOps.AppHost.Resources;

/// <summary>A private PostgreSQL 15 cluster run from the installed server, its data under the platform's state directory.</summary>
public sealed class LocalPostgresServerResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    /// <summary>The superuser's password (SCRAM-SHA-256): generated at the first start and kept in the server's directory; a secret parameter.</summary>
    public ParameterResource Password { get; } = password;

    EndpointReference? _endpoint;

    public EndpointReference Endpoint => _endpoint ??= new(this, EndpointName);

    public List<LocalPostgresDatabaseResource> Databases { get; } = [];

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Host={Endpoint.Property(EndpointProperty.Host)};Port={Endpoint.Property(EndpointProperty.Port)};Username=postgres;Password={Password}");
}

/// <summary>One database on a <see cref="LocalPostgresServerResource"/>; created when the server is ready.</summary>
public sealed class LocalPostgresDatabaseResource(string name, LocalPostgresServerResource parent)
    : Resource(name), IResourceWithParent<LocalPostgresServerResource>, IResourceWithConnectionString
{
    public LocalPostgresServerResource Parent { get; } = parent;

    /// <summary>Set once the database exists on its server; until then its health check does not try to connect.</summary>
    public bool Created { get; set; }

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Parent.ConnectionStringExpression};Database={Name}");
}

public static class PostgresServerExtensions
{
    const string BinDir = "/usr/lib/postgresql/15/bin";
    const string SystemUser = "postgres";

    /// <summary>
    /// PostgreSQL as an executable resource: <c>initdb</c> on first start (as the postgres system user when the platform
    /// runs as root), then <c>postgres</c> on 127.0.0.1 with its socket in the data directory. A stop from the dashboard
    /// or of the platform is a fast shutdown (SIGINT), never a kill.
    /// </summary>
    public static IResourceBuilder<LocalPostgresServerResource> AddPostgresServer(this IDistributedApplicationBuilder builder, string name, string stateDir, int? port)
    {
        var postgres = Path.Combine(BinDir, "postgres");
        if (!File.Exists(postgres))
        {
            throw new InvalidOperationException($"PostgreSQL not found at {BinDir}: run scripts/install-deps.sh (Debian package postgresql-15), or set ConnectionStrings__postgres to a server you run.");
        }
        var dir = Path.Combine(stateDir, "postgres");
        var data = Path.Combine(dir, "data");
        var serverPort = LocalServer.PortOrFree(port);
        string[] serverArgs = ["-D", data, "-k", data, "-p", serverPort.ToString(), "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=300"];
        var (command, args) = LocalServer.IsRoot
            ? LocalServer.WithStopSignal("INT", "/usr/bin/setpriv", ["--reuid=" + SystemUser, "--regid=" + SystemUser, "--init-groups", "--", postgres, .. serverArgs])
            : LocalServer.WithStopSignal("INT", postgres, serverArgs);

        Directory.CreateDirectory(dir);
        var password = LocalServer.Secret(Path.Combine(dir, "password"));
        var passwordParameter = builder.AddParameter($"{name}-password", password, secret: true).Resource;
        var resource = new LocalPostgresServerResource(name, command, LocalServer.IsRoot ? "/" : dir, passwordParameter);
        var healthKey = $"{name}_connect";
        builder.Services.AddReadinessCheck(healthKey, () => new NpgsqlHealthCheck(resource));

        return builder.AddResource(resource)
            .WithEndpoint(port: serverPort, targetPort: serverPort, scheme: "tcp", name: LocalPostgresServerResource.EndpointName, isProxied: false)
            .WithArgs(args)
            .WithHealthCheck(healthKey)
            .OnBeforeResourceStarted(async (server, e, ct) =>
            {
                var logger = e.Services.GetRequiredService<ResourceLoggerService>().GetLogger(server);
                await InitializeClusterAsync(dir, data, password, logger, ct);
            })
            .OnResourceReady(async (server, e, ct) =>
            {
                var logger = e.Services.GetRequiredService<ResourceLoggerService>().GetLogger(server);
                await RequirePasswordsAsync(server, data, password, logger, ct);
                await CreateDatabasesAsync(server, logger, ct);
            });
    }

    public static IResourceBuilder<LocalPostgresDatabaseResource> AddDatabase(this IResourceBuilder<LocalPostgresServerResource> server, string name)
    {
        var database = new LocalPostgresDatabaseResource(name, server.Resource);
        server.Resource.Databases.Add(database);
        var healthKey = $"{name}_connect";
        server.ApplicationBuilder.Services.AddReadinessCheck(healthKey, () => new NpgsqlHealthCheck(database));
        return server.ApplicationBuilder.AddResource(database)
            .WithIconName("Database")
            .WithHealthCheck(healthKey);
    }

    // initdb runs in a staging directory renamed into place only when complete, so an interrupted first start
    // never leaves a half-made cluster behind.
    static async Task InitializeClusterAsync(string dir, string data, string password, ILogger logger, CancellationToken ct)
    {
        Directory.CreateDirectory(dir);
        if (LocalServer.IsRoot)
        {
            await LocalServer.RunAsync("chown", [$"{SystemUser}:", dir], ct);
        }
        if (File.Exists(Path.Combine(data, "PG_VERSION")))
        {
            return;
        }
        var staging = data + ".initdb";
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }
        logger.LogInformation("Creating the PostgreSQL cluster in {Data}", data);
        // Password authentication (SCRAM-SHA-256) for every connection, the socket's included: no trust.
        var passwordFile = Path.Combine(dir, "initdb-password");
        LocalServer.WritePrivate(passwordFile, password);
        try
        {
            string[] initdb = [Path.Combine(BinDir, "initdb"), "-D", staging, "-A", "scram-sha-256", "--pwfile", passwordFile, "-U", "postgres", "-E", "UTF8", "--no-locale"];
            if (LocalServer.IsRoot)
            {
                await LocalServer.RunAsync("chown", [$"{SystemUser}:", passwordFile], ct);
                await LocalServer.RunAsync("/usr/bin/setpriv", ["--reuid=" + SystemUser, "--regid=" + SystemUser, "--init-groups", "--", .. initdb], ct);
            }
            else
            {
                await LocalServer.RunAsync(initdb[0], initdb[1..], ct);
            }
        }
        finally
        {
            File.Delete(passwordFile);
        }
        Directory.Move(staging, data);
    }

    /// <summary>
    /// A cluster made before the platform generated a password trusts every local connection: give the superuser the
    /// password and switch every rule of pg_hba.conf from trust to SCRAM-SHA-256 (a reload, no restart).
    /// </summary>
    static async Task RequirePasswordsAsync(LocalPostgresServerResource server, string data, string password, ILogger logger, CancellationToken ct)
    {
        var hba = Path.Combine(data, "pg_hba.conf");
        var lines = await File.ReadAllLinesAsync(hba, ct);
        static bool Trusts(string line) => !line.TrimStart().StartsWith('#') && line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries) is { Length: >= 4 } f && f[^1] == "trust";
        if (!lines.Any(Trusts))
        {
            return;
        }
        var cs = await server.ConnectionStringExpression.GetValueAsync(ct);
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(cs) { Database = "postgres", Pooling = false }.ConnectionString);
        await connection.OpenAsync(ct);
        await using (var alter = new NpgsqlCommand($"SET password_encryption = 'scram-sha-256'; ALTER ROLE postgres PASSWORD '{password}'", connection))
        {
            await alter.ExecuteNonQueryAsync(ct);
        }
        await File.WriteAllLinesAsync(hba, lines.Select(l => Trusts(l) ? l[..l.LastIndexOf("trust", StringComparison.Ordinal)] + "scram-sha-256" : l), ct);
        await using (var reload = new NpgsqlCommand("SELECT pg_reload_conf()", connection))
        {
            await reload.ExecuteScalarAsync(ct);
        }
        logger.LogInformation("PostgreSQL now requires the generated password for every connection (pg_hba.conf: trust -> scram-sha-256)");
    }

    static async Task CreateDatabasesAsync(LocalPostgresServerResource server, ILogger logger, CancellationToken ct)
    {
        var cs = await server.ConnectionStringExpression.GetValueAsync(ct);
        foreach (var name in await EnsureDatabasesAsync(cs!, server.Databases.Select(d => d.Name), ct))
        {
            logger.LogInformation("Created database {Database}", name);
        }
        foreach (var database in server.Databases)
        {
            database.Created = true;
        }
    }

    /// <summary>Creates each database that does not exist yet on the server; returns the ones it created.</summary>
    public static async Task<List<string>> EnsureDatabasesAsync(string serverConnectionString, IEnumerable<string> names, CancellationToken ct)
    {
        // No pooling: after a restart of the server a pooled connection would be one it has already terminated.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = "postgres", Pooling = false }.ConnectionString);
        await connection.OpenAsync(ct);
        var created = new List<string>();
        foreach (var name in names.Distinct())
        {
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = name } } };
            if (await exists.ExecuteScalarAsync(ct) is null)
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
                await create.ExecuteNonQueryAsync(ct);
                created.Add(name);
            }
        }
        return created;
    }

    sealed class NpgsqlHealthCheck(IResourceWithConnectionString resource) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            if (resource is LocalPostgresDatabaseResource { Created: false })
            {
                return HealthCheckResult.Unhealthy($"{resource.Name} is not created yet");
            }
            try
            {
                var cs = await resource.ConnectionStringExpression.GetValueAsync(ct);
                var builder = new NpgsqlConnectionStringBuilder(cs) { Timeout = 3, Pooling = false };
                builder.Database ??= "postgres";
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                await connection.OpenAsync(ct);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e)
            {
                return HealthCheckResult.Unhealthy($"cannot connect to {resource.Name}", e);
            }
        }
    }
}

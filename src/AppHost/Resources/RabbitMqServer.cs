using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace MlOps.AppHost.Resources;

/// <summary>A private RabbitMQ node run from the installed server, with its data under the platform's state directory.</summary>
public sealed class LocalRabbitMqServerResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "amqp";

    /// <summary>The platform's user on its node; there is no guest user.</summary>
    public const string UserName = "mlops";

    /// <summary>The user's password: generated at the first start and kept in the node's directory; a secret parameter.</summary>
    public ParameterResource Password { get; } = password;

    EndpointReference? _endpoint;

    public EndpointReference Endpoint => _endpoint ??= new(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"amqp://{UserName}:{Password}@{Endpoint.Property(EndpointProperty.Host)}:{Endpoint.Property(EndpointProperty.Port)}/");
}

public static class RabbitMqServerExtensions
{
    const string ServerPath = "/usr/lib/rabbitmq/bin/rabbitmq-server";

    /// <summary>
    /// RabbitMQ as an executable resource: node name, ports, mnesia, logs, plugins and Erlang cookie all inside
    /// <paramref name="stateDir"/>, so nothing system-wide is read or written. Healthy once it accepts an AMQP connection.
    /// </summary>
    public static IResourceBuilder<LocalRabbitMqServerResource> AddRabbitMqServer(this IDistributedApplicationBuilder builder, string name, string stateDir, int? port)
    {
        if (!File.Exists(ServerPath))
        {
            throw new InvalidOperationException($"rabbitmq-server not found at {ServerPath}: run scripts/install-deps.sh (Debian package rabbitmq-server), or set ConnectionStrings__messaging to a server you run.");
        }
        var dir = Path.Combine(stateDir, "rabbitmq");
        Directory.CreateDirectory(dir);
        var amqpPort = LocalServer.PortOrFree(port);
        var distributionPort = LoopbackPorts.Free();
        var plugins = Path.Combine(dir, "enabled_plugins");
        if (!File.Exists(plugins))
        {
            File.WriteAllText(plugins, "[].");
        }
        // An empty env file of our own, so /etc/rabbitmq/rabbitmq-env.conf cannot rename or move the node.
        var envFile = Path.Combine(dir, "rabbitmq-env.conf");
        if (!File.Exists(envFile))
        {
            File.WriteAllText(envFile, "");
        }

        // Generated credentials instead of guest/guest: the node's configuration names the platform's user as the default
        // user (a new node creates no guest), and a definitions file, imported at every boot, keeps its password current.
        var freshNode = !Directory.Exists(Path.Combine(dir, "mnesia"));
        var password = LocalServer.Secret(Path.Combine(dir, "password"));
        LocalServer.WritePrivate(Path.Combine(dir, "rabbitmq.conf"), string.Join('\n',
            $"default_user = {LocalRabbitMqServerResource.UserName}",
            $"default_pass = {password}",
            $"load_definitions = {Path.Combine(dir, "definitions.json")}",
            ""));
        LocalServer.WritePrivate(Path.Combine(dir, "definitions.json"), Definitions(password));
        var guestRemoved = Path.Combine(dir, "guest-removed");
        if (freshNode)
        {
            File.WriteAllText(guestRemoved, "");
        }

        var passwordParameter = builder.AddParameter($"{name}-password", password, secret: true).Resource;
        var resource = new LocalRabbitMqServerResource(name, ServerPath, dir, passwordParameter);
        var healthKey = $"{name}_amqp";
        builder.Services.AddReadinessCheck(healthKey, () => new AmqpHealthCheck(resource));

        return builder.AddResource(resource)
            .WithEndpoint(port: amqpPort, targetPort: amqpPort, scheme: "tcp", name: LocalRabbitMqServerResource.EndpointName, isProxied: false)
            .WithEnvironment("RABBITMQ_NODENAME", NodeName(dir))
            .WithEnvironment("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1")
            .WithEnvironment("RABBITMQ_NODE_PORT", amqpPort.ToString())
            .WithEnvironment("RABBITMQ_DIST_PORT", distributionPort.ToString())
            .WithEnvironment("RABBITMQ_MNESIA_BASE", Path.Combine(dir, "mnesia"))
            .WithEnvironment("RABBITMQ_LOG_BASE", Path.Combine(dir, "log"))
            .WithEnvironment("RABBITMQ_LOGS", "-")
            .WithEnvironment("RABBITMQ_ENABLED_PLUGINS_FILE", plugins)
            .WithEnvironment("RABBITMQ_FEATURE_FLAGS_FILE", Path.Combine(dir, "feature_flags"))
            .WithEnvironment("RABBITMQ_CONF_ENV_FILE", envFile)
            .WithEnvironment("RABBITMQ_CONFIG_FILE", Path.Combine(dir, "rabbitmq"))
            .WithEnvironment("RABBITMQ_ADVANCED_CONFIG_FILE", Path.Combine(dir, "advanced.config"))
            .WithEnvironment("RABBITMQ_PID_FILE", Path.Combine(dir, "rabbitmq.pid"))
            // Idle Erlang schedulers give their core back instead of spinning: on a small machine the services start
            // beside the broker and need the CPU more.
            .WithEnvironment("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "+sbwt none +sbwtdcpu none +sbwtdio none")
            // The Erlang cookie is written to $HOME; a private HOME keeps it away from other nodes and users.
            .WithEnvironment("HOME", dir)
            .WithHealthCheck(healthKey)
            .OnResourceReady(async (server, e, ct) =>
            {
                // A node made before the platform had its own user still has guest: remove it once.
                if (File.Exists(guestRemoved))
                {
                    return;
                }
                var logger = e.Services.GetRequiredService<ResourceLoggerService>().GetLogger(server);
                try
                {
                    await RabbitMqCtlAsync(dir, ["delete_user", "guest"], ct);
                    logger.LogInformation("Removed the guest user; the platform connects as {User}", LocalRabbitMqServerResource.UserName);
                }
                catch (InvalidOperationException ex) when (ex.Message.Contains("no_such_user") || ex.Message.Contains("does not exist"))
                {
                }
                File.WriteAllText(guestRemoved, "");
            });
    }

    static Task RabbitMqCtlAsync(string dir, string[] args, CancellationToken ct) =>
        LocalServer.RunAsync("/usr/lib/rabbitmq/bin/rabbitmqctl", ["-n", NodeName(dir), .. args], ct, new Dictionary<string, string>
        {
            ["HOME"] = dir,
            ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(dir, "rabbitmq-env.conf"),
        });

    /// <summary>
    /// RabbitMQ's definitions (the format its management export writes) with the platform's user, an administrator with
    /// every permission on the default virtual host. The password is stored as RabbitMQ's salted SHA-256 hash.
    /// </summary>
    static string Definitions(string password)
    {
        var salt = System.Security.Cryptography.RandomNumberGenerator.GetBytes(4);
        var hash = System.Security.Cryptography.SHA256.HashData([.. salt, .. System.Text.Encoding.UTF8.GetBytes(password)]);
        var user = LocalRabbitMqServerResource.UserName;
        return System.Text.Json.JsonSerializer.Serialize(new
        {
            users = new[]
            {
                new Dictionary<string, object>
                {
                    ["name"] = user,
                    ["password_hash"] = Convert.ToBase64String([.. salt, .. hash]),
                    ["hashing_algorithm"] = "rabbit_password_hashing_sha256",
                    ["tags"] = new[] { "administrator" },
                },
            },
            vhosts = new[] { new { name = "/" } },
            permissions = new[] { new { user, vhost = "/", configure = ".*", write = ".*", read = ".*" } },
        });
    }

    // One node name per state directory, kept across restarts so the node finds its own data again.
    static string NodeName(string dir)
    {
        var file = Path.Combine(dir, "node-name");
        if (File.Exists(file) && File.ReadAllText(file).Trim() is { Length: > 0 } existing)
        {
            return existing;
        }
        var nodeName = $"mlops-{Guid.NewGuid().ToString("N")[..10]}@localhost";
        File.WriteAllText(file, nodeName);
        return nodeName;
    }

    sealed class AmqpHealthCheck(LocalRabbitMqServerResource resource) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            try
            {
                var uri = await resource.ConnectionStringExpression.GetValueAsync(ct);
                var factory = new ConnectionFactory { Uri = new Uri(uri!), RequestedConnectionTimeout = TimeSpan.FromSeconds(3) };
                await using var connection = await factory.CreateConnectionAsync(ct);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e)
            {
                return HealthCheckResult.Unhealthy("RabbitMQ does not accept AMQP connections yet", e);
            }
        }
    }
}

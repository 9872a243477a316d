using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RabbitMQ.Client;

namespace MlOps.AppHost.Resources;

/// <summary>A private RabbitMQ node run from the installed server, with its data under the platform's state directory.</summary>
public sealed class LocalRabbitMqServerResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "amqp";

    EndpointReference? _endpoint;

    public EndpointReference Endpoint => _endpoint ??= new(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"amqp://guest:guest@{Endpoint.Property(EndpointProperty.Host)}:{Endpoint.Property(EndpointProperty.Port)}/");
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
        var distributionPort = LocalServer.FreePort();
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

        var resource = new LocalRabbitMqServerResource(name, ServerPath, dir);
        var healthKey = $"{name}_amqp";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(healthKey,
            _ => new AmqpHealthCheck(resource), HealthStatus.Unhealthy, tags: null, timeout: TimeSpan.FromSeconds(5)));

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
            // The Erlang cookie is written to $HOME; a private HOME keeps it away from other nodes and users.
            .WithEnvironment("HOME", dir)
            .WithHealthCheck(healthKey);
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

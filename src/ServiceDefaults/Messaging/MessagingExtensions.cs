using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MlOps.ServiceDefaults.Data;
using MlOps.ServiceDefaults.Messaging;
using MlOps.ServiceDefaults.Outbox;

namespace MlOps.ServiceDefaults;

public static class MessagingExtensions
{
    public const string MessagingConnectionName = "messaging";

    /// <summary>
    /// Registers the service's own PostgreSQL database from <c>ConnectionStrings__{connectionName}</c>, applies its
    /// migrations at start-up (or creates the schema of a context that has none yet), wires the outbox signal, and answers
    /// requests that fail because PostgreSQL is unreachable with 503. Call before <see cref="AddEventBus{TDbContext}"/>.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDatabase<TDbContext>(this IHostApplicationBuilder builder, string connectionName)
        where TDbContext : DbContext
    {
        var cs = RequiredConnectionString(builder.Configuration, connectionName);
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddSingleton<OutboxNotifyInterceptor>();
        builder.Services.AddDbContext<TDbContext>((sp, o) => o
            .UseNpgsql(cs)
            .AddInterceptors(sp.GetRequiredService<OutboxNotifyInterceptor>())
            // A failed command or save is thrown to its caller, which decides whether it is an error: an expected race
            // (the same batch posted twice at once) is not, and an outage is answered with 503 or retried.
            .ConfigureWarnings(w => w.Log((RelationalEventId.CommandError, LogLevel.Debug), (CoreEventId.SaveChangesFailed, LogLevel.Debug))));
        builder.Services.AddSingleton(new ServiceDatabase(connectionName));
        builder.Services.AddExceptionHandler<DatabaseUnavailableExceptionHandler>();
        builder.Services.AddScoped(sp => new InboxDbContextAccessor(sp.GetRequiredService<TDbContext>()));
        // Hosted services start in registration order: the schema exists before the bus delivers the first message.
        builder.Services.AddHostedService<DatabaseInitializer<TDbContext>>();
        builder.Services.AddHealthChecks().AddCheck<DbContextHealthCheck<TDbContext>>(connectionName);
        return builder;
    }

    /// <summary>
    /// MassTransit on RabbitMQ from <c>ConnectionStrings__messaging</c>: durable queues declared at start-up, the
    /// subscriber queues of every event bound before the first publish (<see cref="EventTopology"/>), the outbox
    /// dispatcher and retention. Each consumer's endpoint, concurrency, retry and inbox come from its
    /// <see cref="ServiceConsumerDefinition{TConsumer}"/>: register consumers with <c>x.AddConsumer&lt;TConsumer, TDefinition&gt;()</c>.
    /// </summary>
    public static IHostApplicationBuilder AddEventBus<TDbContext>(this IHostApplicationBuilder builder, Action<IBusRegistrationConfigurator>? consumers = null)
        where TDbContext : DbContext
    {
        var endpoint = RabbitMqEndpoint.Parse(RequiredConnectionString(builder.Configuration, MessagingConnectionName));
        // MassTransit's own check stays green on a service that only publishes while the broker is gone; this one does not.
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(MessagingConnectionName, _ => new BrokerHealthCheck(endpoint), HealthStatus.Unhealthy, tags: null, timeout: TimeSpan.FromSeconds(3)));
        builder.Services.AddOptions<OutboxOptions>().BindConfiguration("Outbox");
        builder.Services.AddOptions<MessagingOptions>().BindConfiguration(MessagingOptions.Section);
        builder.Services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section);
        builder.Services.AddSingleton(endpoint);
        builder.Services.AddSingleton<ServiceEndpoints>();
        builder.Services.AddSingleton<ErrorQueues>();
        var quorum = MessagingOptions.Quorum(builder.Configuration[$"{MessagingOptions.Section}:QueueType"]);
        // Before MassTransit's own hosted service: the bus starts once the broker listens, not after its reconnect backoff.
        builder.Services.AddHostedService<BrokerWait>();
        builder.Services.AddMassTransit(x =>
        {
            x.SetKebabCaseEndpointNameFormatter();
            consumers?.Invoke(x);
            if (quorum)
            {
                x.AddConfigureEndpointsCallback((_, cfg) =>
                {
                    if (cfg is IRabbitMqReceiveEndpointConfigurator rabbit)
                        rabbit.SetQuorumQueue();
                });
            }
            x.UsingRabbitMq((context, cfg) =>
            {
                cfg.Host(endpoint.Host, endpoint.Port, endpoint.VirtualHost, h =>
                {
                    h.Username(endpoint.Username);
                    h.Password(endpoint.Password);
                    h.PublisherConfirmation = true;
                });
                EventTopology.DeclareSubscriptions(cfg, quorum);
                cfg.ConfigureEndpoints(context);
            });
        });
        // Start-up waits for the bus and its endpoints, so queues exist before the service reports healthy or publishes.
        builder.Services.Configure<MassTransitHostOptions>(o =>
        {
            o.WaitUntilStarted = true;
            o.StartTimeout = TimeSpan.FromSeconds(60);
            o.StopTimeout = TimeSpan.FromSeconds(15);
        });
        builder.Services.AddSingleton<OutboxProgress>();
        builder.Services.AddHealthChecks().AddCheck<OutboxHealthCheck>("outbox");
        builder.Services.AddHostedService<OutboxDispatcher<TDbContext>>();
        builder.Services.AddHostedService<BacklogGauges<TDbContext>>();
        builder.Services.AddSingleton<RetentionService<TDbContext>>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RetentionService<TDbContext>>());
        return builder;
    }

    internal static string RequiredConnectionString(IConfiguration configuration, string name) =>
        configuration.GetConnectionString(name) is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException(
                $"Missing connection string '{name}': set ConnectionStrings:{name} in configuration or the environment variable ConnectionStrings__{name}.");
}

sealed class DatabaseInitializer<TDbContext>(IServiceScopeFactory scopes) : IHostedService
    where TDbContext : DbContext
{
    public Task StartAsync(CancellationToken ct) => Retry.UntilConnectedAsync(async () =>
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
        // A context without migrations yet keeps the old behaviour; one with migrations is brought up to the latest.
        if (db.Database.GetMigrations().Any())
            await db.Database.MigrateAsync(ct);
        else
            await db.Database.EnsureCreatedAsync(ct);
    }, ct, attempts: 60);

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}

sealed class DbContextHealthCheck<TDbContext>(TDbContext db) : IHealthCheck
    where TDbContext : DbContext
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        await db.Database.CanConnectAsync(ct)
            ? HealthCheckResult.Healthy()
            : new HealthCheckResult(context.Registration.FailureStatus, "cannot connect to the database");
}

/// <summary>Unhealthy when RabbitMQ does not accept a TCP connection on the configured host and port.</summary>
sealed class BrokerHealthCheck(RabbitMqEndpoint endpoint) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await ConnectAsync(endpoint, ct);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or TimeoutException or OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"RabbitMQ at {endpoint.Host}:{endpoint.Port} does not accept connections");
        }
    }

    /// <summary>Opens and closes a TCP connection to the broker: a SocketException, or a TimeoutException after 2 s, when it does not listen.</summary>
    internal static async Task ConnectAsync(RabbitMqEndpoint endpoint, CancellationToken ct)
    {
        using var client = new System.Net.Sockets.TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await client.ConnectAsync(endpoint.Host, endpoint.Port, timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"RabbitMQ at {endpoint.Host}:{endpoint.Port} did not answer within 2 s");
        }
    }
}

/// <summary>
/// Holds the service's start-up until RabbitMQ listens, checking every 250 ms for up to a minute. A service may start
/// while the broker is down or still booting (restarted after a crash of either, or started on its own against a
/// broker that is not up yet); MassTransit would otherwise wait out a reconnect backoff of several seconds after its
/// first refused connection. After a minute start-up fails, as MassTransit's own start timeout would.
/// </summary>
sealed class BrokerWait(RabbitMqEndpoint endpoint, ILogger<BrokerWait> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        try
        {
            await BrokerHealthCheck.ConnectAsync(endpoint, ct);
            return;
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or TimeoutException)
        {
            logger.LogInformation("Waiting for RabbitMQ at {Host}:{Port}", endpoint.Host, endpoint.Port);
        }
        await Retry.UntilConnectedAsync(() => BrokerHealthCheck.ConnectAsync(endpoint, ct), ct, attempts: 240, interval: TimeSpan.FromMilliseconds(250));
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}

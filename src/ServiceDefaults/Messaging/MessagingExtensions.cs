using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using MlOps.ServiceDefaults.Messaging;
using MlOps.ServiceDefaults.Outbox;

namespace MlOps.ServiceDefaults;

public static class MessagingExtensions
{
    public const string MessagingConnectionName = "messaging";

    /// <summary>
    /// Registers the service's own PostgreSQL database from <c>ConnectionStrings__{connectionName}</c>, creates its schema
    /// at start-up, and wires the outbox signal. Call before <see cref="AddEventBus{TDbContext}"/>.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDatabase<TDbContext>(this IHostApplicationBuilder builder, string connectionName)
        where TDbContext : DbContext
    {
        var cs = RequiredConnectionString(builder.Configuration, connectionName);
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddSingleton<OutboxNotifyInterceptor>();
        builder.Services.AddDbContext<TDbContext>((sp, o) => o
            .UseNpgsql(cs)
            .AddInterceptors(sp.GetRequiredService<OutboxNotifyInterceptor>()));
        builder.Services.AddScoped(sp => new InboxDbContextAccessor(sp.GetRequiredService<TDbContext>()));
        // Hosted services start in registration order: the schema exists before the bus delivers the first message.
        builder.Services.AddHostedService<DatabaseInitializer<TDbContext>>();
        builder.Services.AddHealthChecks().AddCheck<DbContextHealthCheck<TDbContext>>(connectionName);
        return builder;
    }

    /// <summary>
    /// MassTransit on RabbitMQ from <c>ConnectionStrings__messaging</c>: kebab-case endpoints, durable queues declared at
    /// start-up, the subscriber queues of every event this service publishes bound before the first publish, retry with
    /// exponential backoff then the <c>_error</c> queue, the inbox on every consumer, and the outbox dispatcher.
    /// </summary>
    public static IHostApplicationBuilder AddEventBus<TDbContext>(this IHostApplicationBuilder builder, Action<IBusRegistrationConfigurator>? consumers = null)
        where TDbContext : DbContext
    {
        var endpoint = RabbitMqEndpoint.Parse(RequiredConnectionString(builder.Configuration, MessagingConnectionName));
        builder.Services.AddOptions<OutboxOptions>().BindConfiguration("Outbox");
        builder.Services.AddMassTransit(x =>
        {
            x.SetKebabCaseEndpointNameFormatter();
            consumers?.Invoke(x);
            x.UsingRabbitMq((context, cfg) =>
            {
                cfg.Host(endpoint.Host, endpoint.Port, endpoint.VirtualHost, h =>
                {
                    h.Username(endpoint.Username);
                    h.Password(endpoint.Password);
                    h.PublisherConfirmation = true;
                });
                EventTopology.DeclareSubscriptions(cfg);
                cfg.UseMessageRetry(r => r.Exponential(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(400)));
                cfg.UseConsumeFilter(typeof(InboxFilter<>), context);
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
        builder.Services.AddHostedService<OutboxDispatcher<TDbContext>>();
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
        await db.Database.EnsureCreatedAsync(ct);
    }, ct);

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

using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MlOps.AppHost.Resources;

/// <summary>
/// How often the dashboard re-checks a resource that is healthy. Aspire's own interval is 30 s, so a RabbitMQ node that
/// crashes and is back within half a minute can leave every service green on the dashboard although none could reach
/// the bus meanwhile. <c>AppHost:HealthCheckInterval</c> (default 5 s) shortens it: a failure shows within that time.
/// Aspire 13.6 has no public setting for it; the interval is a property of its health-check service, set here by name.
/// If a later Aspire renames it, the AppHost logs a warning and keeps Aspire's interval (the RabbitMQ fault test in
/// <c>tests/AppHost.Tests</c> then fails, which is how an upgrade finds out).
/// </summary>
public static class HealthCheckInterval
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(5);
    const string ServiceType = "Aspire.Hosting.Health.ResourceHealthCheckService";
    const string Property = "HealthyHealthCheckInterval";

    /// <summary>Sets the interval on Aspire's health-check service, or logs a warning where it cannot.</summary>
    public static void Apply(IServiceProvider services, TimeSpan interval)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(HealthCheckInterval));
        var type = typeof(DistributedApplication).Assembly.GetType(ServiceType);
        var checker = type is null ? null : services.GetService(type);
        var property = checker?.GetType().GetProperty(Property, BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public);
        if (checker is null || property is null || property.PropertyType != typeof(TimeSpan) || !property.CanWrite)
        {
            logger.LogWarning("AppHost:HealthCheckInterval is not applied: this Aspire version has no {Type}.{Property}; healthy resources are re-checked at Aspire's own interval", ServiceType, Property);
            return;
        }
        property.SetValue(checker, interval);
        logger.LogDebug("Healthy resources are re-checked every {Interval}", interval);
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using MlOps.ServiceDefaults.Blobs;
using MlOps.ServiceDefaults.Http;
using MlOps.ServiceDefaults.Telemetry;

namespace MlOps.ServiceDefaults;

public static class Extensions
{
    internal const string LiveTag = "live";

    /// <summary>
    /// What every service shares, in the shape of Aspire's service defaults: OpenTelemetry, health checks, service
    /// discovery and standard resilience for every HttpClient; plus problem-details errors, request limits
    /// (<see cref="LimitsOptions"/>), the OpenAPI document and the blob store (when <c>ConnectionStrings__blobs</c> is set). The bus and the service's database are added by
    /// <see cref="MessagingExtensions.AddServiceDatabase{TDbContext}"/> and <see cref="MessagingExtensions.AddEventBus{TDbContext}"/>.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = FrameworkProblems.FillDetail);
        builder.Services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section);
        builder.AddRequestLimits();
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        builder.Services.AddOpenApi();
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        builder.AddOpenTelemetryExporters();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        builder.AddBlobStore();
        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (ready: every check, including database and bus; 503 unless all are healthy, so a
    /// degraded dependency never shows green), <c>/alive</c> (the process answers) and the OpenAPI document at
    /// <c>/openapi/v1.json</c>.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages(FrameworkProblems.WriteAsync);
        app.UseRequestLimits();
        // Before body parsing: a request that needs the API key and lacks it gets 401 whatever it carries.
        app.UseMiddleware<ApiKeyGate>();
        // Then the names in the route, for every endpoint, before any endpoint reads its body or its database.
        app.UseMiddleware<RouteNameCheck>();
        app.MapOpenApi();
        app.MapHealthChecks("/health", new HealthCheckOptions
        {
            ResponseWriter = HealthResponse.WriteAsync,
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        });
        app.MapHealthChecks("/alive", new HealthCheckOptions { Predicate = r => r.Tags.Contains(LiveTag), ResponseWriter = HealthResponse.WriteAsync });
        return app;
    }
}

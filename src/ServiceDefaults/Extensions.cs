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
    /// What every service shares: problem-details errors, OpenTelemetry over OTLP, health checks, the OpenAPI document
    /// and the blob store (when <c>ConnectionStrings__blobs</c> is set). The bus and the service's database are added by
    /// <see cref="MessagingExtensions.AddServiceDatabase{TDbContext}"/> and <see cref="MessagingExtensions.AddEventBus{TDbContext}"/>.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        builder.Services.AddEndpointsApiExplorer();
        builder.Services.AddSwaggerGen(o => o.SwaggerDoc("v1", new() { Title = builder.Environment.ApplicationName, Version = "v1" }));
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        builder.AddOpenTelemetryExporters();
        builder.AddBlobStore();
        return builder;
    }

    /// <summary>Maps <c>/health</c> (ready: every check, including database and bus), <c>/alive</c> (the process answers) and the OpenAPI document.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        // Resolving the providers hands them to the container, which flushes and disposes them at shutdown.
        app.Services.GetService<TelemetryProviders>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSwagger(o => o.RouteTemplate = "openapi/{documentName}.json");
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = HealthResponse.WriteAsync });
        app.MapHealthChecks("/alive", new HealthCheckOptions { Predicate = r => r.Tags.Contains(LiveTag), ResponseWriter = HealthResponse.WriteAsync });
        return app;
    }
}

using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace MlOps.ServiceDefaults.Telemetry;

public static class TelemetryExtensions
{
    /// <summary>Our own ActivitySource/Meter names start with this; services add theirs under it.</summary>
    public const string SourcePrefix = "MlOps";

    /// <summary>MassTransit's ActivitySource and Meter.</summary>
    const string MassTransitSource = "MassTransit";

    /// <summary>Requests that are polled, not made by users: never traced.</summary>
    static readonly PathString[] QuietPaths = ["/health", "/alive"];

    /// <summary>
    /// OpenTelemetry as Aspire's service defaults set it up: ASP.NET Core, HttpClient, runtime, Npgsql and MassTransit
    /// instrumentation plus our <c>MlOps.*</c> sources and meters; structured logs through the OpenTelemetry logger;
    /// OTLP export (protocol, endpoint, headers, service name and instance id from the <c>OTEL_*</c> variables the
    /// AppHost sets) when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
    /// </summary>
    public static IHostApplicationBuilder AddOpenTelemetryExporters(this IHostApplicationBuilder builder)
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddMeter(MassTransitSource, SourcePrefix + ".*"))
            .WithTracing(tracing => tracing
                .SetSampler(new ParentBasedSampler(new NoBackgroundClientCallsSampler()))
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !QuietPaths.Any(p => context.Request.Path.StartsWithSegments(p)))
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddSource(MassTransitSource, SourcePrefix + ".*"));

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }
        return builder;
    }
}

/// <summary>
/// Drops root spans of client calls: a database command or HTTP call that no request, message or job of ours started
/// is background polling (the outbox dispatcher, health probes), and an idle platform should show no traces.
/// Work that matters starts a span of its own first, and its client calls follow it as children.
/// </summary>
sealed class NoBackgroundClientCallsSampler : Sampler
{
    public override SamplingResult ShouldSample(in SamplingParameters parameters) =>
        parameters.Kind == ActivityKind.Client
            ? new SamplingResult(SamplingDecision.Drop)
            : new SamplingResult(SamplingDecision.RecordAndSample);
}

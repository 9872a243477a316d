using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace MlOps.ServiceDefaults.Telemetry;

public static class TelemetryExtensions
{
    /// <summary>Our own ActivitySource/Meter names start with this; services add theirs under it.</summary>
    public const string SourcePrefix = "MlOps";

    static readonly string[] TraceSources = ["Microsoft.AspNetCore", "System.Net.Http", "Npgsql", "MassTransit", SourcePrefix + ".*"];
    static readonly string[] Meters = ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http", "Npgsql", "MassTransit", "System.Runtime", SourcePrefix + ".*"];

    /// <summary>
    /// Traces, metrics and logs over OTLP/HTTP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. The SDK builders are used
    /// directly (the hosting integration package is not available); the providers live as long as the host.
    /// </summary>
    public static IHostApplicationBuilder AddOpenTelemetryExporters(this IHostApplicationBuilder builder)
    {
        var endpoint = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (string.IsNullOrWhiteSpace(endpoint))
            return builder;
        var serviceName = builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : builder.Environment.ApplicationName.ToLowerInvariant();
        var resource = ResourceBuilder.CreateDefault().AddService(serviceName);
        var baseUri = endpoint.TrimEnd('/');

        void Otlp(OtlpExporterOptions o, string signal)
        {
            o.Protocol = OtlpExportProtocol.HttpProtobuf;
            o.Endpoint = new Uri($"{baseUri}/v1/{signal}");
        }

        var tracer = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSource(TraceSources)
            .AddOtlpExporter(o => Otlp(o, "traces"))
            .Build();
        var meter = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter(Meters)
            .AddOtlpExporter((o, reader) =>
            {
                Otlp(o, "metrics");
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 5000;
            })
            .Build();
        builder.Services.AddSingleton(_ => new TelemetryProviders(tracer, meter));

        builder.Logging.AddOpenTelemetry(o =>
        {
            o.SetResourceBuilder(resource);
            o.IncludeScopes = true;
            o.IncludeFormattedMessage = true;
            o.AddOtlpExporter(e => Otlp(e, "logs"));
        });
        return builder;
    }
}

/// <summary>Holds the providers so the container flushes and disposes them at shutdown.</summary>
sealed class TelemetryProviders(TracerProvider? tracer, MeterProvider? meter) : IDisposable
{
    public void Dispose()
    {
        tracer?.Dispose();
        meter?.Dispose();
    }
}

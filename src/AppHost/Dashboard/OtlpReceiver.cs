using System.IO.Compression;
using System.Text.Json;

namespace MlOps.AppHost.Dashboard;

/// <summary>
/// A minimal OTLP/HTTP receiver: accepts traces, metrics and logs, counts them per service and answers 200,
/// which keeps the services' exporters from retrying and logging errors, and shows telemetry is arriving.
/// </summary>
public static class OtlpReceiver
{
    private const int MaxRequestBytes = 32 * 1024 * 1024;

    public static IEndpointConventionBuilder MapOtlpReceiver(this IEndpointRouteBuilder endpoints, int port)
    {
        var group = endpoints.MapGroup("/v1").RequireHost($"*:{port}");
        group.MapPost("/traces", (HttpRequest request, TelemetryStore store) => Receive(request, store, TelemetrySignal.Traces));
        group.MapPost("/metrics", (HttpRequest request, TelemetryStore store) => Receive(request, store, TelemetrySignal.Metrics));
        group.MapPost("/logs", (HttpRequest request, TelemetryStore store) => Receive(request, store, TelemetrySignal.Logs));
        return group;
    }

    private static async Task<IResult> Receive(HttpRequest request, TelemetryStore store, TelemetrySignal signal)
    {
        var body = await ReadBodyAsync(request);
        var json = request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) ?? false;
        if (json)
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                store.Record(signal, OtlpPayload.CountJson(document.RootElement));
            }
            catch (JsonException e)
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Malformed OTLP JSON", detail: e.Message);
            }
            return Results.Text("{}", "application/json");
        }
        store.Record(signal, OtlpPayload.CountProtobuf(body));
        // An empty Export*ServiceResponse encodes to zero bytes.
        return Results.Bytes([], "application/x-protobuf");
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        Stream source = request.Body;
        if (request.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase))
        {
            source = new GZipStream(source, CompressionMode.Decompress);
        }
        await using (source)
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await source.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
            {
                if (buffer.Length + read > MaxRequestBytes)
                {
                    throw new BadHttpRequestException("OTLP request too large.", StatusCodes.Status413PayloadTooLarge);
                }
                buffer.Write(chunk, 0, read);
            }
            return buffer.ToArray();
        }
    }
}

using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MlOps.ServiceDefaults.Http;

/// <summary>Request body size, JSON depth and a per-client rate limit (<see cref="LimitsOptions"/>), each answered as problem+json.</summary>
public static class RequestLimits
{
    static readonly PathString[] NeverLimited = ["/health", "/alive"];

    public static IHostApplicationBuilder AddRequestLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<LimitsOptions>().BindConfiguration(LimitsOptions.Section);
        // A service that sets its own body limit (Ingestion) configures Kestrel after this and wins.
        builder.Services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<LimitsOptions>>((kestrel, limits) => kestrel.Limits.MaxRequestBodySize = limits.Value.MaxBodyBytes);
        builder.Services.AddOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>()
            .Configure<IOptions<LimitsOptions>>((json, limits) => json.SerializerOptions.MaxDepth = limits.Value.JsonMaxDepth);
        // Body binding failures (malformed JSON, too deep, too large) throw, in every environment, so the exception
        // handler answers them with a problem naming what went wrong rather than a bare status code.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<LimitsOptions>>((rate, limits) =>
        {
            var settings = limits.Value;
            rate.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            rate.OnRejected = (context, _) => RejectAsync(context.HttpContext, context.Lease, settings);
            if (settings.RequestsPerSecond <= 0)
                return;
            var bucket = new TokenBucketRateLimiterOptions
            {
                TokenLimit = Math.Max(1, settings.RequestBurst),
                TokensPerPeriod = settings.RequestsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            };
            rate.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
            {
                var ip = http.Connection.RemoteIpAddress;
                if (NeverLimited.Any(p => http.Request.Path.StartsWithSegments(p)) || (settings.ExemptLoopback && (ip is null || IPAddress.IsLoopback(ip))))
                    return RateLimitPartition.GetNoLimiter("");
                // IPv4 callers reached over an IPv6 socket share their IPv4 partition.
                var key = (ip!.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString();
                return RateLimitPartition.GetTokenBucketLimiter(key, _ => bucket);
            });
        });
        return builder;
    }

    static async ValueTask RejectAsync(HttpContext http, RateLimitLease lease, LimitsOptions settings)
    {
        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
            detail: $"This client has made more than {settings.RequestsPerSecond} requests per second (bursts up to {settings.RequestBurst}; Limits:RequestsPerSecond, Limits:RequestBurst): retry after {seconds} s.")
            .ExecuteAsync(http);
    }

    /// <summary>Rate limits first (before the key check, so guessing keys is throttled too).</summary>
    internal static WebApplication UseRequestLimits(this WebApplication app)
    {
        app.UseRateLimiter();
        return app;
    }
}

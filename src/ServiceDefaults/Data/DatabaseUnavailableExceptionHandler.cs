using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using MlOps.ServiceDefaults.Messaging;

namespace MlOps.ServiceDefaults.Data;

/// <summary>The service's own database, by its connection name (<c>ConnectionStrings__{Name}</c>).</summary>
public sealed record ServiceDatabase(string ConnectionName);

/// <summary>
/// A request that failed because PostgreSQL cannot be reached answers 503 with <c>Retry-After</c> and a problem naming
/// the database, not a 500: the client did nothing wrong and the same request will work once the database is back.
/// </summary>
public sealed class DatabaseUnavailableExceptionHandler(ServiceDatabase database, IProblemDetailsService problems, ILogger<DatabaseUnavailableExceptionHandler> logger)
    : IExceptionHandler
{
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (!TransientFaults.IsDatabaseUnavailable(exception))
            return false;
        var reason = exception.GetBaseException().Message;
        logger.LogWarning("{Method} {Path} answered 503: PostgreSQL is unavailable ({Reason})", context.Request.Method, context.Request.Path, reason);
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Database unavailable",
                Detail = $"PostgreSQL is unavailable: the service's database '{database.ConnectionName}' (or the blob store) cannot be reached ({reason}). "
                    + $"Nothing was stored; send the request again in {RetryAfterSeconds} seconds.",
            },
        });
    }
}

using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace MlOps.ServiceDefaults.Http;

/// <summary>
/// Turns request errors raised by the framework or by our parsers (body too large, malformed JSON, a bad argument)
/// into a 4xx problem+json that names the problem, instead of a 500.
/// </summary>
public sealed class BadRequestExceptionHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        var (status, title) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, bad.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => "Request body too large",
                StatusCodes.Status415UnsupportedMediaType => "Unsupported content type",
                _ => "Bad request",
            }),
            RequestProblemException problem => (problem.StatusCode, problem.Title),
            System.Text.Json.JsonException => (StatusCodes.Status400BadRequest, "Malformed JSON"),
            _ => (0, ""),
        };
        if (status == 0)
            return false;

        context.Response.StatusCode = status;
        // Written whatever the Accept header asks for: a caller that accepts only text/html still gets the 4xx, never a 500.
        await FrameworkProblems.Write(context, new ProblemDetails { Status = status, Title = title, Detail = Detail(exception) });
        return true;
    }

    /// <summary>The framework's binding errors name the parameter; the JSON error inside them names the place in the body.</summary>
    static string Detail(Exception exception) =>
        exception is BadHttpRequestException { InnerException: System.Text.Json.JsonException json } bad ? $"{bad.Message} {json.Message}" : exception.Message;
}

/// <summary>A request that cannot be served as sent; answered as problem+json with this status.</summary>
public sealed class RequestProblemException(int statusCode, string title, string detail) : Exception(detail)
{
    public int StatusCode { get; } = statusCode;
    public string Title { get; } = title;
}

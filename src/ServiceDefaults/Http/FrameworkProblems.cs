using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace MlOps.ServiceDefaults.Http;

/// <summary>
/// The problems the framework answers with a bare status code (no route, wrong method, a body over the limit): each gets
/// a title and a detail naming the problem, as problem+json whatever the caller's Accept header says.
/// </summary>
static class FrameworkProblems
{
    /// <summary>For <c>UseStatusCodePages</c>: a 4xx or 5xx without a body gets one.</summary>
    public static Task WriteAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var status = http.Response.StatusCode;
        return Write(http, new ProblemDetails { Status = status, Title = ReasonPhrases.GetReasonPhrase(status), Detail = DetailFor(http, status) });
    }

    /// <summary>Through the problem-details service when the caller accepts JSON, else written as problem+json all the same.</summary>
    public static Task Write(HttpContext http, ProblemDetails problem) => Results.Problem(problem).ExecuteAsync(http);

    /// <summary>For <c>AddProblemDetails</c>: a problem written without a detail gets one.</summary>
    public static void FillDetail(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (string.IsNullOrEmpty(problem.Detail))
            problem.Detail = DetailFor(context.HttpContext, problem.Status ?? context.HttpContext.Response.StatusCode);
    }

    static string DetailFor(HttpContext http, int status)
    {
        var request = $"{http.Request.Method} {http.Request.Path}";
        return status switch
        {
            StatusCodes.Status404NotFound => $"Nothing answers {request}: see /openapi/v1.json for this service's routes.",
            StatusCodes.Status405MethodNotAllowed => $"{http.Request.Method} is not allowed on {http.Request.Path}: see /openapi/v1.json for the methods it takes.",
            StatusCodes.Status413PayloadTooLarge => $"The body of {request} is larger than this service's limit of {http.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize} bytes.",
            StatusCodes.Status415UnsupportedMediaType => $"Content type '{http.Request.ContentType ?? "(none)"}' is not accepted by {request}.",
            _ => $"{ReasonPhrases.GetReasonPhrase(status)} ({request}).",
        };
    }
}

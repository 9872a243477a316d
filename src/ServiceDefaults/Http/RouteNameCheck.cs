using Microsoft.AspNetCore.Http;

namespace MlOps.ServiceDefaults.Http;

/// <summary>
/// Checks every name a route carries against <see cref="Names"/> once, for every endpoint of every service, before the
/// endpoint binds its body or touches a database: <c>{dataset}</c>, <c>{model}</c>, <c>{pipeline}</c> and Training's
/// <c>{name}</c> (a pipeline's name). Any other route value (ids, version numbers, an error queue) is left to its route.
/// </summary>
public sealed class RouteNameCheck(RequestDelegate next)
{
    /// <summary>Route value → what it names, as the problem says it.</summary>
    static readonly (string RouteValue, string What)[] Checked = [("dataset", "dataset"), ("model", "model"), ("pipeline", "pipeline"), ("name", "pipeline")];

    public Task InvokeAsync(HttpContext http)
    {
        var values = http.Request.RouteValues;
        if (values.Count > 0)
            foreach (var (key, what) in Checked)
                if (values.TryGetValue(key, out var value) && Problem(what, value as string) is { } problem)
                    return problem.ExecuteAsync(http);
        return next(http);
    }

    /// <summary>The 400 for an invalid name, or null when the name is valid.</summary>
    public static IResult? Problem(string what, string? name) => Names.IsValid(name)
        ? null
        : Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: $"Invalid {what} name",
            detail: $"{char.ToUpperInvariant(what[0])}{what[1..]} name '{name}' is invalid: {Names.Rule}.");
}

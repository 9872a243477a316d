using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;

namespace MlOps.ServiceDefaults.Http;

/// <summary>
/// Checks every name a route carries against <see cref="Names"/> once, for every endpoint of every service, before the
/// endpoint binds its body or touches a database: <c>{dataset}</c>, <c>{model}</c>, <c>{pipeline}</c> and Training's
/// <c>{name}</c> (a pipeline's name). Any other route value (ids, version numbers, an error queue) is left to its route.
/// Routing answers some requests itself, with no route values: a content type the endpoint does not accept (415) or a
/// method it does not have (405). Their names are read from the path by the routes' own templates, so an invalid name
/// is a 400 there too, before the content type or the method is looked at.
/// </summary>
public sealed class RouteNameCheck(RequestDelegate next, EndpointDataSource endpoints)
{
    readonly Lazy<TemplateMatcher[]> _named = new(() => [.. endpoints.Endpoints.OfType<RouteEndpoint>()
        .Where(e => e.RoutePattern.Parameters.Any(p => Checked.Any(c => c.RouteValue == p.Name)))
        .Select(e => e.RoutePattern.RawText).OfType<string>().Distinct()
        .Select(raw => new TemplateMatcher(TemplateParser.Parse(raw), new RouteValueDictionary()))]);

    /// <summary>Route value → what it names, as the problem says it.</summary>
    static readonly (string RouteValue, string What)[] Checked = [("dataset", "dataset"), ("model", "model"), ("pipeline", "pipeline"), ("name", "pipeline")];

    public Task InvokeAsync(HttpContext http)
    {
        var values = http.Request.RouteValues;
        if (values.Count == 0 && http.GetEndpoint() is { } endpoint and not RouteEndpoint)
            values = FromPath(http.Request.Path);
        if (values.Count > 0)
            foreach (var (key, what) in Checked)
                if (values.TryGetValue(key, out var value) && Problem(what, value as string) is { } problem)
                    return problem.ExecuteAsync(http);
        return next(http);
    }

    /// <summary>The route values of the first route with a checked name whose template matches <paramref name="path"/>.</summary>
    RouteValueDictionary FromPath(PathString path)
    {
        foreach (var matcher in _named.Value)
        {
            var values = new RouteValueDictionary();
            if (matcher.TryMatch(path, values))
                return values;
        }
        return [];
    }

    /// <summary>The 400 for an invalid name, or null when the name is valid.</summary>
    public static IResult? Problem(string what, string? name) => Names.IsValid(name)
        ? null
        : Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: $"Invalid {what} name",
            detail: $"{char.ToUpperInvariant(what[0])}{what[1..]} name '{name}' is invalid: {Names.Rule}.");
}

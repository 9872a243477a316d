using MlOps.ServiceDefaults.Http;

namespace MlOps.Training.Apis;

static class Problems
{
    public static void EnsureName(string? name, string what)
    {
        if (!Names.IsValid(name))
            throw new RequestProblemException(StatusCodes.Status400BadRequest, $"Invalid {what} name", $"{char.ToUpperInvariant(what[0])}{what[1..]} name '{name}' is invalid: {Names.Rule}.");
    }

    public static IResult NotFound(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: title, detail: detail);
}

using System.Text.RegularExpressions;

namespace MlOps.ServiceDefaults;

/// <summary>The one pattern for dataset, pipeline and model names, checked on every route and in every definition and event.</summary>
public static partial class Names
{
    public const string Rule = "use 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex Pattern();

    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);
}

using System.Text.RegularExpressions;

namespace MlOps.Ingestion;

public static partial class DatasetNames
{
    public const string Rule = "use 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex Pattern();

    public static bool IsValid(string name) => Pattern().IsMatch(name);
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace MlOps.Cli.Platform;

/// <summary>
/// What <c>--model</c> names: an artifact file that exists (local), else a platform model <c>NAME</c> (its champion,
/// served by Serving) or <c>NAME@VERSION</c> (that version's artifact from the Registry).
/// </summary>
internal sealed partial record ModelRef(string? Path, string? Name, int? Version)
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex NamePattern();

    public bool IsLocal => Path is not null;

    public static ModelRef Parse(string value)
    {
        if (File.Exists(value))
            return new ModelRef(value, null, null);
        var at = value.LastIndexOf('@');
        var name = at < 0 ? value : value[..at];
        var looksLikeFile = value.IndexOfAny(['/', '\\']) >= 0 || value.EndsWith(".mlm", StringComparison.OrdinalIgnoreCase);
        if (looksLikeFile || !NamePattern().IsMatch(name))
            throw new CliException($"Model file '{value}' does not exist (and it is not a platform model NAME or NAME@VERSION).");
        if (at < 0)
            return new ModelRef(null, name, null);
        if (!int.TryParse(value[(at + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version < 1)
            throw new CliException($"'{value}': the version after '@' must be a positive whole number, as in {name}@3.");
        return new ModelRef(null, name, version);
    }

    public override string ToString() => Path ?? (Version is { } v ? $"{Name}@{v}" : Name!);
}

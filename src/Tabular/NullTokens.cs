using System.Runtime.CompilerServices;

namespace MlOps.Tabular;

/// <summary>
/// The one set of missing-value spellings, compared exactly (case and spaces matter): the empty field, <c>NA</c>,
/// <c>N/A</c>, <c>null</c>, <c>NULL</c>, and a JSON <c>null</c> or absent key in NDJSON. <c>NaN</c> and <c>Inf</c> are not
/// missing: they are non-finite numbers (see <see cref="Utf8Number"/>).
/// </summary>
public static class NullTokens
{
    public static IReadOnlyList<string> All { get; } = ["", "NA", "N/A", "null", "NULL"];

    public static bool IsMissing(ReadOnlySpan<char> value) =>
        value.Length switch
        {
            0 => true,
            2 => value.SequenceEqual("NA"),
            3 => value.SequenceEqual("N/A"),
            4 => value.SequenceEqual("null") || value.SequenceEqual("NULL"),
            _ => false,
        };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsMissing(ReadOnlySpan<byte> value) =>
        value.Length switch
        {
            0 => true,
            2 => value[0] == 'N' && value[1] == 'A',
            3 => value.SequenceEqual("N/A"u8),
            4 => value.SequenceEqual("null"u8) || value.SequenceEqual("NULL"u8),
            _ => false,
        };
}

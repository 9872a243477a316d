using System.Text.Json;

namespace MlOps.Tabular;

/// <summary>
/// JSON text may escape half of a UTF-16 surrogate pair (<c>"\ud800"</c>): it parses, but reading that string or key
/// throws. This finds such text once, up front, so a reader can refuse it as bad input instead of failing midway.
/// </summary>
public static class JsonEscapes
{
    /// <summary>The byte offset of the first string or key whose escapes are not valid UTF-16, or null when there is none.</summary>
    /// <remarks>Text without a <c>\u</c> escape of a surrogate is answered from a scan of its bytes; only text that has one is read token by token.</remarks>
    public static long? FindInvalidSurrogate(ReadOnlySpan<byte> json, int maxDepth = 64)
    {
        if (!HasSurrogateEscape(json))
            return null;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth, CommentHandling = JsonCommentHandling.Skip });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName) || !reader.ValueIsEscaped)
                    continue;
                try { reader.GetString(); }
                catch (InvalidOperationException) { return reader.TokenStartIndex; }
            }
        }
        catch (JsonException)
        {
            // Not JSON at all: the caller's parser reports that.
        }
        return null;
    }

    static bool HasSurrogateEscape(ReadOnlySpan<byte> json)
    {
        for (var at = json.IndexOf("\\u"u8); at >= 0 && at + 3 < json.Length; )
        {
            if ((char)(json[at + 2] | 0x20) == 'd' && (char)(json[at + 3] | 0x20) is '8' or '9' or 'a' or 'b' or 'c' or 'd' or 'e' or 'f')
                return true;
            var next = json[(at + 2)..].IndexOf("\\u"u8);
            if (next < 0)
                return false;
            at += 2 + next;
        }
        return false;
    }
}

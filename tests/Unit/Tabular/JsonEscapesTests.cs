using System.Text;
using MlOps.Tabular;

namespace MlOps.Tests.Unit.Tabular;

public sealed class JsonEscapesTests
{
    static long? Find(string json) => JsonEscapes.FindInvalidSurrogate(Encoding.UTF8.GetBytes(json));

    [Theory]
    [InlineData("""{"a":"\ud800"}""", 5)]
    [InlineData("""{"a":"x\udc00"}""", 5)]
    [InlineData("""{"\ud800":1}""", 1)]
    [InlineData("""["ok","\uD83D\uD83D"]""", 6)]
    [InlineData("""{"a":{"b":["\uDBFF"]}}""", 11)]
    public void Finds_a_string_or_key_that_escapes_half_a_surrogate_pair(string json, long at) => Assert.Equal(at, Find(json));

    [Theory]
    [InlineData("""{"a":"\ud83d\ude00"}""")]
    [InlineData("""{"a":"\\ud800"}""")]
    [InlineData("""{"a":"\u00e9\u200b"}""")]
    [InlineData("""{"a":"😀 plain"}""")]
    [InlineData("""not json "\ud800" """)]
    [InlineData("")]
    public void Passes_valid_pairs_escaped_backslashes_other_escapes_and_text_that_is_not_json(string json) => Assert.Null(Find(json));
}

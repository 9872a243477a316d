using System.Globalization;
using System.Text;
using MlOps.Tabular;

namespace MlOps.Tests.Unit.Tabular;

public sealed class Utf8NumberTests
{
    [Theory]
    [InlineData("0")] [InlineData("-0")] [InlineData("+7")] [InlineData("007")] [InlineData("1.")] [InlineData(".5")]
    [InlineData(".")] [InlineData("-")] [InlineData("1e5")] [InlineData("1E-7")] [InlineData("1e+22")] [InlineData("1e23")]
    [InlineData("1e-400")] [InlineData("1e400")] [InlineData("123456789012345")] [InlineData("1234567890123456")]
    [InlineData("999999999999999999")] [InlineData("9223372036854775807")] [InlineData("9223372036854775808")]
    [InlineData("0.1")] [InlineData("0.30000000000000004")] [InlineData("-0.7766776172425135")] [InlineData(" 1.5")]
    [InlineData("1.5 ")] [InlineData("NaN")] [InlineData("-Infinity")] [InlineData("infinity")] [InlineData("1,5")]
    [InlineData("0x10")] [InlineData("1e")] [InlineData("1e-")] [InlineData("00000000000000000001.25")] [InlineData("")]
    public void Reads_text_exactly_as_the_framework_parsers(string text)
    {
        AssertSameAsFramework(text);
    }

    [Fact]
    public void Reads_random_decimals_exactly_as_the_framework_parser()
    {
        var rng = new Random(3);
        for (var i = 0; i < 100_000; i++)
        {
            var x = (rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-12, 16));
            AssertSameAsFramework(Math.Round(x, rng.Next(0, 15)).ToString(rng.Next(3) == 0 ? "E6" : "R", CultureInfo.InvariantCulture));
        }
    }

    static void AssertSameAsFramework(string text)
    {
        var ok = Utf8Number.TryParse(Encoding.UTF8.GetBytes(text), out var value, out var isInteger);

        Assert.Equal(double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var expected), ok);
        Assert.Equal(long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _), isInteger);
        if (ok)
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(value));
    }
}

using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace MlOps.Tabular;

/// <summary>
/// Parses a UTF-8 field as a number exactly as <c>double.TryParse(NumberStyles.Float, InvariantCulture)</c> and
/// <c>long.TryParse(NumberStyles.AllowLeadingSign, InvariantCulture)</c> would, but without their cost for the plain
/// decimals that make up most CSV files: <c>[+-]digits[.digits][e[+-]digits]</c> with at most 15 significant digits
/// and a small exponent is converted with one exact multiplication or division (Clinger's fast path), which rounds
/// correctly. Anything else goes to the framework parser on the same bytes. <c>NaN</c>, <c>Inf</c> and <c>Infinity</c>
/// (any case, the infinities with an optional sign) are numbers too: non-finite ones, which the data plane flags.
/// </summary>
public static class Utf8Number
{
    static readonly double[] PowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
        1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// <summary>
    /// True when the text is a number; <paramref name="isInteger"/> tells whether it also parses as a long (when
    /// <paramref name="needInteger"/>; otherwise it may be false for an integer).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> s, out double value, out bool isInteger, bool needInteger = true)
    {
        if (TryFast(s, out value, out isInteger))
            return true;
        if (TryNonFinite(s, out value))
            return true;
        isInteger = needInteger && long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>The same on UTF-16 text.</summary>
    public static bool TryParse(ReadOnlySpan<char> s, out double value, out bool isInteger, bool needInteger = true)
    {
        if (s.Length <= 128)
        {
            Span<byte> utf8 = stackalloc byte[3 * s.Length];
            var n = System.Text.Encoding.UTF8.GetBytes(s, utf8);
            return TryParse(utf8[..n], out value, out isInteger, needInteger);
        }
        isInteger = needInteger && long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    static bool TryNonFinite(ReadOnlySpan<byte> s, out double value)
    {
        value = 0;
        if (s.Length is < 3 or > 9)
            return false;
        var negative = s[0] == '-';
        var body = s[0] is (byte)'-' or (byte)'+' ? s[1..] : s;
        if (body.Length == 3 && Ascii.EqualsIgnoreCase(body, "nan"u8) && body.Length == s.Length)
            value = double.NaN;
        else if (Ascii.EqualsIgnoreCase(body, "inf"u8) || Ascii.EqualsIgnoreCase(body, "infinity"u8))
            value = negative ? double.NegativeInfinity : double.PositiveInfinity;
        else
            return false;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot: once per value, straight to optimised code
    static bool TryFast(ReadOnlySpan<byte> s, out double value, out bool isInteger)
    {
        value = 0;
        isInteger = false;
        var i = 0;
        var negative = false;
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+'))
        {
            negative = s[0] == '-';
            i = 1;
        }
        ulong mantissa = 0;
        int digits = 0, significant = 0, fraction = 0;
        for (; i < s.Length; i++)
        {
            var d = (uint)(s[i] - '0');
            if (d > 9)
                break;
            digits++;
            if (mantissa != 0 || d != 0)
                significant++;
            mantissa = mantissa * 10 + d;
        }
        var integerDigits = digits;
        if (i < s.Length && s[i] == '.')
        {
            for (i++; i < s.Length; i++)
            {
                var d = (uint)(s[i] - '0');
                if (d > 9)
                    break;
                digits++;
                fraction++;
                if (mantissa != 0 || d != 0)
                    significant++;
                mantissa = mantissa * 10 + d;
            }
        }
        // Leading zeros do not count, but the digit total still bounds the accumulator.
        if (digits == 0 || significant > 15 || digits > 19)
            return false;
        var exponent = -fraction;
        var hasExponent = false;
        if (i < s.Length && (s[i] == 'e' || s[i] == 'E'))
        {
            hasExponent = true;
            i++;
            var expNegative = false;
            if (i < s.Length && (s[i] == '-' || s[i] == '+'))
            {
                expNegative = s[i] == '-';
                i++;
            }
            int e = 0, expDigits = 0;
            for (; i < s.Length; i++)
            {
                var d = (uint)(s[i] - '0');
                if (d > 9 || expDigits >= 4)
                    return false;
                e = e * 10 + (int)d;
                expDigits++;
            }
            if (expDigits == 0)
                return false;
            exponent += expNegative ? -e : e;
        }
        if (i != s.Length || exponent is < -22 or > 22)
            return false;
        var m = (double)mantissa; // exact: at most 15 significant digits
        value = exponent >= 0 ? m * PowersOfTen[exponent] : m / PowersOfTen[-exponent];
        if (negative)
            value = -value;
        // Only optional sign and digits parse as a long; 18 digits always fit.
        isInteger = !hasExponent && fraction == 0 && s[^1] != '.' && integerDigits <= 18;
        if (!hasExponent && fraction == 0 && integerDigits > 18)
            return false;
        return true;
    }
}

using System.Globalization;

namespace MlOps.Learning.Data;

/// <summary>Turns columns of raw text into typed columns: boolean, integer, float, timestamp, else categorical.</summary>
internal static class TypeInference
{
    private static readonly string[] DateFormats =
        ["yyyy-MM-dd", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm:ssZ", "yyyy-MM-ddTHH:mm:ss.FFFFFFFK", "yyyy-MM-ddTHH:mm:ssK", "yyyy-MM-dd HH:mm:ssK"];

    public static Column Build(string name, List<string?> raw, ColumnType? forced)
    {
        var type = forced ?? Infer(raw);
        if (type == ColumnType.Categorical) return Column.FromStrings(name, raw);
        var values = new double[raw.Count];
        for (var i = 0; i < values.Length; i++)
        {
            var s = raw[i];
            if (s is null) { values[i] = double.NaN; continue; }
            if (!TryParse(s, type, out values[i]))
                throw new InvalidDataException($"Column '{name}' row {i + 1}: '{s}' is not a valid {type.ToString().ToLowerInvariant()} value.");
        }
        return Column.Numeric(name, type, values);
    }

    private static ColumnType Infer(List<string?> raw)
    {
        bool isBool = true, isInt = true, isFloat = true, isTime = true, any = false;
        foreach (var s in raw)
        {
            if (s is null) continue;
            any = true;
            if (isBool && !TryParse(s, ColumnType.Boolean, out _)) isBool = false;
            if (isInt && !TryParse(s, ColumnType.Integer, out _)) isInt = false;
            if (isFloat && !TryParse(s, ColumnType.Float, out _)) isFloat = false;
            if (isTime && !TryParse(s, ColumnType.Timestamp, out _)) isTime = false;
            if (!isBool && !isInt && !isFloat && !isTime) return ColumnType.Categorical;
        }
        if (!any) return ColumnType.Float;
        if (isBool) return ColumnType.Boolean;
        if (isInt) return ColumnType.Integer;
        if (isFloat) return ColumnType.Float;
        return isTime ? ColumnType.Timestamp : ColumnType.Categorical;
    }

    public static bool TryParse(string s, ColumnType type, out double value)
    {
        value = double.NaN;
        switch (type)
        {
            case ColumnType.Boolean:
                if (s.Equals("true", StringComparison.OrdinalIgnoreCase)) { value = 1; return true; }
                if (s.Equals("false", StringComparison.OrdinalIgnoreCase)) { value = 0; return true; }
                return false;
            case ColumnType.Integer:
                if (long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) { value = l; return true; }
                return false;
            case ColumnType.Float:
                return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && !double.IsNaN(value);
            case ColumnType.Timestamp:
                if (DateTimeOffset.TryParseExact(s, DateFormats, CultureInfo.InvariantCulture,
                        DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
                {
                    value = t.ToUnixTimeMilliseconds() / 1000.0;
                    return true;
                }
                return false;
            default:
                return false;
        }
    }
}

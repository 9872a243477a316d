using System.Globalization;

namespace MlOps.Learning.Data;

/// <summary>
/// One typed column. Numeric kinds (float, integer, boolean, timestamp) live in <see cref="Numbers"/>
/// with NaN for null; categorical values live in <see cref="Codes"/> (-1 for null) indexing
/// <see cref="Categories"/>. One representation per kind keeps the hot loops branch-free.
/// </summary>
public sealed class Column
{
    private readonly double[]? _numbers;
    private readonly int[]? _codes;
    private readonly string[]? _categories;

    private Column(string name, ColumnType type, double[]? numbers, int[]? codes, string[]? categories)
    {
        Name = name;
        Type = type;
        _numbers = numbers;
        _codes = codes;
        _categories = categories;
        Length = numbers?.Length ?? codes!.Length;
    }

    public string Name { get; }
    public ColumnType Type { get; }
    public int Length { get; }
    public bool IsCategorical => Type == ColumnType.Categorical;

    /// <summary>Values of a numeric column; NaN is null. Throws for a categorical column.</summary>
    public ReadOnlySpan<double> Numbers => _numbers ?? throw new InvalidOperationException($"Column '{Name}' is categorical, not numeric.");

    /// <summary>Category codes of a categorical column; -1 is null. Throws for a numeric column.</summary>
    public ReadOnlySpan<int> Codes => _codes ?? throw new InvalidOperationException($"Column '{Name}' is {Type}, not categorical.");

    public IReadOnlyList<string> Categories => _categories ?? [];

    /// <summary>The numeric storage itself, for engine code that only reads it (avoids copying large columns).</summary>
    internal double[]? NumberArray => _numbers;

    public static Column Numeric(string name, ColumnType type, double[] values)
    {
        if (type == ColumnType.Categorical) throw new ArgumentException("Use Column.Categorical for categorical data.", nameof(type));
        return new Column(name, type, values, null, null);
    }

    public static Column Categorical(string name, int[] codes, string[] categories) =>
        new(name, ColumnType.Categorical, null, codes, categories);

    /// <summary>Builds a categorical column from raw strings (null = missing), categories in first-seen order.</summary>
    public static Column FromStrings(string name, IReadOnlyList<string?> values)
    {
        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        var categories = new List<string>();
        var codes = new int[values.Count];
        for (var i = 0; i < codes.Length; i++)
        {
            var v = values[i];
            if (v is null) { codes[i] = -1; continue; }
            if (!map.TryGetValue(v, out var code))
            {
                code = categories.Count;
                map.Add(v, code);
                categories.Add(v);
            }
            codes[i] = code;
        }
        return Categorical(name, codes, [.. categories]);
    }

    public bool IsNull(int row) => _numbers is not null ? double.IsNaN(_numbers[row]) : _codes![row] < 0;

    public int NullCount()
    {
        var n = 0;
        if (_numbers is not null) { foreach (var v in _numbers) if (double.IsNaN(v)) n++; }
        else { foreach (var c in _codes!) if (c < 0) n++; }
        return n;
    }

    public ColumnSchema Schema => new(Name, Type, _categories);

    /// <summary>The value as text, the way it would be written back to CSV; null for a missing value.</summary>
    public string? Format(int row)
    {
        if (IsNull(row)) return null;
        if (_codes is not null) return _categories![_codes[row]];
        var v = _numbers![row];
        return Type switch
        {
            ColumnType.Boolean => v != 0 ? "true" : "false",
            ColumnType.Timestamp => DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(v * 1000)).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            _ => v.ToString("R", CultureInfo.InvariantCulture),
        };
    }

    /// <summary>A copy holding only the given rows, in the given order.</summary>
    public Column Take(ReadOnlySpan<int> rows)
    {
        if (_numbers is not null)
        {
            var values = new double[rows.Length];
            for (var i = 0; i < rows.Length; i++) values[i] = _numbers[rows[i]];
            return new Column(Name, Type, values, null, null);
        }
        var codes = new int[rows.Length];
        for (var i = 0; i < rows.Length; i++) codes[i] = _codes![rows[i]];
        return new Column(Name, Type, null, codes, _categories);
    }
}

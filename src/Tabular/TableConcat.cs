using System.Globalization;

namespace MlOps.Tabular;

/// <summary>
/// Joins tables read from the batches of one dataset version, in order: the columns are the union of theirs in order of
/// first appearance, a column a batch lacks is missing in its rows. A column keeps its type when every batch that has
/// values for it agrees; integer and float make float; any other mix makes string, the other values written as text.
/// </summary>
public static class TableConcat
{
    public static TypedTable Concat(IReadOnlyList<TypedTable> tables)
    {
        if (tables.Count == 1)
            return tables[0];
        var names = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var table in tables)
            foreach (var column in table.Columns)
                if (seen.Add(column.Name))
                    names.Add(column.Name);
        long total = tables.Sum(t => (long)t.Rows);
        if (total > Array.MaxLength)
            throw new TabularFormatException($"the batches hold {total} rows together, more than one table holds", 1);
        var rows = (int)total;
        var columns = new TypedColumn[names.Count];
        for (var c = 0; c < names.Count; c++)
        {
            var parts = tables.Select(t => t.Columns.FirstOrDefault(x => x.Name == names[c])).ToArray();
            columns[c] = Join(names[c], parts, tables, rows);
        }
        return new TypedTable(columns, rows);
    }

    static TypedColumn Join(string name, TypedColumn?[] parts, IReadOnlyList<TypedTable> tables, int rows)
    {
        var withValues = parts.Where(p => p is not null && p.Nulls < p.Length).Select(p => p!.Type).Distinct().ToList();
        var type = withValues.Count switch
        {
            0 => parts.First(p => p is not null)!.Type,
            1 => withValues[0],
            _ when withValues.All(ColumnTypes.IsNumeric) => ColumnTypes.Float,
            _ => ColumnTypes.String,
        };
        var nulls = 0L;
        if (type != ColumnTypes.String)
        {
            var values = new double[rows];
            var at = 0;
            for (var b = 0; b < parts.Length; b++)
            {
                var length = tables[b].Rows;
                if (parts[b] is { Numbers: { } numbers } part)
                {
                    numbers.CopyTo(values, at);
                    nulls += part.Nulls;
                }
                else
                {
                    values.AsSpan(at, length).Fill(double.NaN);
                    nulls += length;
                }
                at += length;
            }
            return new TypedColumn(name, type, values, null, null, nulls);
        }
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var categories = new List<string>();
        var codes = new int[rows];
        var offset = 0;
        for (var b = 0; b < parts.Length; b++)
        {
            var length = tables[b].Rows;
            var part = parts[b];
            nulls += part?.Nulls ?? length;
            for (var r = 0; r < length; r++)
            {
                var text = part is null ? null : Text(part, r);
                if (text is null)
                {
                    codes[offset + r] = -1;
                    continue;
                }
                if (!index.TryGetValue(text, out var code))
                {
                    code = categories.Count;
                    index.Add(text, code);
                    categories.Add(text);
                }
                codes[offset + r] = code;
            }
            offset += length;
        }
        return new TypedColumn(name, type, null, codes, [.. categories], nulls);
    }

    /// <summary>A value written as text the way the data would spell it; null when missing.</summary>
    public static string? Text(TypedColumn column, int row)
    {
        if (column.Codes is { } codes)
            return codes[row] < 0 ? null : column.Categories[codes[row]];
        var v = column.Numbers![row];
        if (double.IsNaN(v))
            return null;
        return column.Type switch
        {
            ColumnTypes.Boolean => v != 0 ? "true" : "false",
            ColumnTypes.Timestamp => DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(v * 1000)).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            _ => v.ToString("R", CultureInfo.InvariantCulture),
        };
    }
}

using System.Text;
using MlOps.Learning.Data;

namespace MlOps.Training.Runs;

/// <summary>The held-out rows as CSV, every column, plus each column's type so the gate reads them back exactly.</summary>
public static class HoldoutCsv
{
    public static byte[] Write(TabularFrame frame)
    {
        var sb = new StringBuilder();
        AppendRecord(sb, frame.Columns.Select(c => c.Name));
        var fields = new string?[frame.Columns.Count];
        for (var r = 0; r < frame.RowCount; r++)
        {
            for (var c = 0; c < fields.Length; c++)
                fields[c] = frame.Columns[c].Format(r);
            AppendRecord(sb, fields);
        }
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>Each column's type by the tabular library's names (integer, float, boolean, timestamp, string).</summary>
    public static Dictionary<string, string> ColumnTypes(TabularFrame frame) =>
        frame.Columns.ToDictionary(c => c.Name, c => ColumnTypeNames.Name(c.Type), StringComparer.Ordinal);

    internal static void AppendRecord(StringBuilder sb, IEnumerable<string?> fields)
    {
        var first = true;
        foreach (var f in fields)
        {
            if (!first) sb.Append(',');
            first = false;
            if (f is null) continue;
            if (f.AsSpan().IndexOfAny(",\"\r\n") >= 0 || f.Length != f.Trim().Length)
                sb.Append('"').Append(f.Replace("\"", "\"\"")).Append('"');
            else
                sb.Append(f);
        }
        sb.Append('\n');
    }
}

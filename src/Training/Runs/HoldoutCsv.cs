using System.Text;
using MlOps.Learning.Data;

namespace MlOps.Training.Runs;

/// <summary>The held-out rows as CSV, every column, plus each column's type so the gate reads them back exactly.</summary>
public static class HoldoutCsv
{
    public static byte[] Write(TabularFrame frame)
    {
        var sb = new StringBuilder();
        DatasetLoader.AppendRecord(sb, frame.Columns.Select(c => c.Name));
        var fields = new string?[frame.Columns.Count];
        for (var r = 0; r < frame.RowCount; r++)
        {
            for (var c = 0; c < fields.Length; c++)
                fields[c] = frame.Columns[c].Format(r);
            DatasetLoader.AppendRecord(sb, fields);
        }
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    public static Dictionary<string, string> ColumnTypes(TabularFrame frame) =>
        frame.Columns.ToDictionary(c => c.Name, c => c.Type.ToString().ToLowerInvariant(), StringComparer.Ordinal);
}

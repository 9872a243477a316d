using System.Globalization;
using MlOps.Learning.Data;

namespace MlOps.Learning.Trainers;

/// <summary>Turns the target column into numbers: class indices (classes in a stable order) or values.</summary>
internal static class TargetEncoder
{
    public static (double[] Y, string[] Classes) Fit(TabularFrame frame, string target, TaskKind task)
    {
        if (!frame.TryGetColumn(target, out var col))
            throw new TrainingDataException($"Unknown target column '{target}'. Columns: {string.Join(", ", frame.Columns.Select(c => c.Name))}.");
        if (frame.RowCount == 0) throw new TrainingDataException("The data has no rows.");
        if (task == TaskKind.Regression)
        {
            if (col.Type is ColumnType.Categorical or ColumnType.Timestamp)
                throw new TrainingDataException($"Target column '{target}' holds {(col.IsCategorical ? "text" : "timestamps")}; regression needs a numeric target.");
            return (col.Numbers.ToArray(), []);
        }
        var classes = Classes(col);
        if (classes.Length < 2)
            throw new TrainingDataException($"Target column '{target}' has a single class ({(classes.Length == 1 ? $"'{classes[0]}'" : "none")}); classification needs at least two.");
        if (task == TaskKind.Binary && classes.Length != 2)
            throw new TrainingDataException($"Target column '{target}' has {classes.Length} classes; binary classification needs exactly two (use --task multiclass).");
        return (Encode(col, classes), classes);
    }

    /// <summary>Class index per row for known classes; NaN for a missing or unseen label.</summary>
    public static double[] Encode(Column col, string[] classes)
    {
        if (!col.IsCategorical && col.Type != ColumnType.Boolean) return EncodeNumbers(col, classes);
        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < classes.Length; i++) map[classes[i]] = i;
        var y = new double[col.Length];
        for (var r = 0; r < y.Length; r++)
        {
            var s = col.Format(r);
            y[r] = s is not null && map.TryGetValue(s, out var k) ? k : double.NaN;
        }
        return y;
    }

    /// <summary>Numeric labels map by value (no per-row text), via the classes' parsed values.</summary>
    private static double[] EncodeNumbers(Column col, string[] classes)
    {
        var map = new Dictionary<double, int>();
        for (var i = 0; i < classes.Length; i++)
            if (double.TryParse(classes[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) map[v] = i;
        var values = col.Numbers;
        var y = new double[values.Length];
        for (var r = 0; r < y.Length; r++) y[r] = !double.IsNaN(values[r]) && map.TryGetValue(values[r], out var k) ? k : double.NaN;
        return y;
    }

    private static string[] Classes(Column col)
    {
        if (col.IsCategorical)
        {
            var seen = new bool[col.Categories.Count];
            foreach (var c in col.Codes) if (c >= 0) seen[c] = true;
            return [.. col.Categories.Where((_, i) => seen[i]).Order(StringComparer.Ordinal)];
        }
        var distinct = new HashSet<double>();
        foreach (var v in col.Numbers) if (!double.IsNaN(v)) distinct.Add(v);
        var values = distinct.Order();
        return [.. values.Select(v => col.Type == ColumnType.Boolean ? (v != 0 ? "true" : "false") : v.ToString("R", CultureInfo.InvariantCulture))];
    }
}

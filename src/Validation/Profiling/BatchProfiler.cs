using System.Globalization;
using MlOps.Learning.Profiling;
using MlOps.ServiceDefaults.Batches;
using MlOps.Tabular;
using MlOps.Validation.Schemas;

namespace MlOps.Validation.Profiling;

/// <summary>
/// Profiles every column while the scanner streams the batch, feeding the learning engine's <see cref="ColumnProfile"/>
/// (numeric moments, extremes, quantile sample and histogram on the schema's bin edges, category counts for text
/// columns, non-finite numbers), and counts exact-duplicate rows. Memory is bounded by the number of columns, categories,
/// quantile samples and (for duplicates) <see cref="MaxRowsTrackedForDuplicates"/> row hashes.
/// </summary>
public sealed partial class BatchProfiler(DatasetSchema? schema) : ITabularPartitionedVisitor
{
    /// <summary>Duplicates are counted among this many rows; beyond it the fraction is estimated from them.</summary>
    public const int MaxRowsTrackedForDuplicates = 1_000_000;

    readonly List<ColumnProfile> _columns = [];
    readonly List<ColumnMode> _modes = [];
    // Hashes of the rows tracked for duplicates, counted when first asked (see RowHashes.Duplicates).
    readonly RowHashes _rowHashes = new();

    enum ColumnMode { Numeric, Categorical, Both, Ignore }

    public IReadOnlyList<ColumnProfile> Columns => _columns;
    public long DuplicateRows => _rowHashes.Duplicates();
    public double DuplicateFraction => _rowHashes.Count == 0 ? 0 : (double)DuplicateRows / _rowHashes.Count;

    public void OnColumn(int index, string name, long precedingRows)
    {
        var column = schema?.Columns.FirstOrDefault(c => c.Name == name);
        var profile = new ColumnProfile { Name = name, Count = precedingRows, Nulls = precedingRows };
        profile.WithEdges(column?.BinEdges);
        _columns.Add(profile);
        _modes.Add(column switch
        {
            null => ColumnMode.Both,
            { IsNumeric: true } => ColumnMode.Numeric,
            { Type: "string" or "boolean" } => ColumnMode.Categorical,
            _ => ColumnMode.Ignore,
        });
    }

    public void OnRow(IReadOnlyList<string> values, long line)
    {
        var hash = 14695981039346656037UL;
        for (var i = 0; i < values.Count; i++)
        {
            var value = values[i];
            hash = Fnv(hash, value);
            var profile = _columns[i];
            profile.Count++;
            if (ColumnTypeInference.IsMissing(value))
            {
                profile.Nulls++;
                continue;
            }
            switch (_modes[i])
            {
                case ColumnMode.Numeric:
                    if (Utf8Number.TryParse(value, out var x, out _, needInteger: false))
                        profile.AddNumber(x);
                    break;
                case ColumnMode.Categorical:
                    profile.AddCategory(value);
                    break;
                case ColumnMode.Both:
                    if (Utf8Number.TryParse(value, out var y, out _, needInteger: false))
                        profile.AddNumber(y);
                    profile.AddCategory(value);
                    break;
            }
        }
        if (_rowHashes.Count < MaxRowsTrackedForDuplicates)
            _rowHashes.Add([hash]);
    }

    // FNV-1a over the row's characters with a separator: 64 bits keeps accidental collisions negligible at a million rows.
    static ulong Fnv(ulong hash, string value)
    {
        foreach (var c in value)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }
        hash ^= 0x1F;
        return hash * 1099511628211UL;
    }
}

using System.Runtime.CompilerServices;
using MlOps.Learning.Profiling;
using MlOps.Tabular;

namespace MlOps.Validation.Profiling;

// The scanner's parallel path: each stretch of the batch is profiled by its own part, feeding one ColumnProfile per column
// (src/Learning/Profiling), and the parts are merged in input order: counts, extremes and bins match a sequential pass
// exactly, the moments up to rounding, the quantile sample exactly while no stretch holds more than QuantileSample's
// capacity of a column's numbers (a megabyte stretch of more than a few columns never does). Categories are counted on their UTF-8 bytes here and merged with
// the same first-come limit as ColumnProfile.AddCategory.
public sealed partial class BatchProfiler
{
    // Per column, once its categories are full: the values counted by name, which no later row can change.
    FullCategories?[] _fullCategories = [];

    sealed record FullCategories(Utf8ValueCounter Index, string[] Values);

    readonly Stack<List<ulong>> _spareHashLists = new();
    // The profiles of merged parts, cleared and reused: their sample buffers are most of what a part allocates.
    readonly Stack<ColumnProfile[]> _spareProfiles = new();

    public ITabularPartVisitor CreatePart()
    {
        if (_fullCategories.Length != _columns.Count)
            _fullCategories = new FullCategories?[_columns.Count];
        for (var i = 0; i < _columns.Count; i++)
        {
            if (_fullCategories[i] is not null || _columns[i].Categories.Count < ColumnProfile.MaxCategories)
                continue;
            var values = _columns[i].Categories.Keys.ToArray();
            var index = new Utf8ValueCounter();
            foreach (var value in values)
                index.Add(System.Text.Encoding.UTF8.GetBytes(value));
            _fullCategories[i] = new FullCategories(index, values);
        }
        var hashes = _spareHashLists.TryPop(out var spare) ? spare : new List<ulong>(8192);
        var profiles = _spareProfiles.TryPop(out var spareProfiles) ? spareProfiles : [.. _columns.Select(NewPartProfile)];
        return new Part([.. _modes], profiles, [.. _fullCategories], hashes, hashRows: _rowHashes.Count < MaxRowsTrackedForDuplicates);
    }

    public void Merge(ITabularPartVisitor part)
    {
        var p = (Part)part;
        for (var i = 0; i < _columns.Count; i++)
        {
            _columns[i].Merge(p.Profile(i));
            if (p.Full[i] is { } full)
            {
                var categories = _columns[i].Categories;
                var counts = p.KnownCounts[i]!;
                for (var id = 0; id < full.Values.Length; id++)
                    if (counts[id] > 0)
                        categories[full.Values[id]] += counts[id];
                if (p.Other[i] > 0)
                    categories[ColumnProfile.OtherCategory] = categories.GetValueOrDefault(ColumnProfile.OtherCategory) + p.Other[i];
            }
        }
        var take = Math.Min(p.Hashes.Count, MaxRowsTrackedForDuplicates - _rowHashes.Count);
        if (take > 0)
            _rowHashes.Add(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(p.Hashes)[..take]);
        p.Hashes.Clear();
        _spareHashLists.Push(p.Hashes); // reused by a later part: one list per stretch in flight, not per stretch
        foreach (var profile in p.Profiles)
            profile.Clear();
        _spareProfiles.Push(p.Profiles);
    }

    // Uncapped categories: the cap applies when merging, in input order (see ColumnProfile.Merge).
    static ColumnProfile NewPartProfile(ColumnProfile column)
    {
        var profile = new ColumnProfile { Name = column.Name, CategoryLimit = int.MaxValue, Edges = column.Edges };
        if (column.Edges is { } edges)
            profile.Bins = new long[edges.Length + 1];
        return profile;
    }

    sealed class Part(ColumnMode[] modes, ColumnProfile[] profiles, FullCategories?[] full, List<ulong> hashes, bool hashRows) : ITabularPartVisitor
    {
        // Counted here while the merged column has room; once it is full, only the values it counts by name are
        // counted by name, the rest lumped.
        readonly Utf8ValueCounter?[] _categories = [.. modes.Select((m, i) => m is ColumnMode.Categorical or ColumnMode.Both && full[i] is null ? new Utf8ValueCounter() : null)];

        public FullCategories?[] Full { get; } = full;
        public long[]?[] KnownCounts { get; } = [.. full.Select(f => f is null ? null : new long[f.Values.Length])];
        public long[] Other { get; } = new long[modes.Length];

        public List<ulong> Hashes { get; } = hashes;
        public ColumnProfile[] Profiles => profiles;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot: once per value, straight to optimised code
        public void OnRow(ref TabularRow row)
        {
            if (hashRows)
                Hashes.Add(row.ContentHash());
            for (var i = 0; i < modes.Length; i++)
            {
                var profile = profiles[i];
                profile.Count++;
                if (row.IsMissing(i))
                {
                    profile.Nulls++;
                    continue;
                }
                var mode = modes[i];
                if (mode is ColumnMode.Numeric or ColumnMode.Both && row.TryGetNumber(i, out var x))
                    profile.AddNumber(x);
                if (mode is ColumnMode.Categorical or ColumnMode.Both)
                {
                    if (_categories[i] is { } categories)
                        categories.Add(row.Utf8(i));
                    else if (Full[i]!.Index.IndexOf(row.Utf8(i)) is var id and >= 0)
                        KnownCounts[i]![id]++;
                    else
                        Other[i]++;
                }
            }
        }

        public ColumnProfile Profile(int i)
        {
            var profile = profiles[i];
            if (_categories[i] is { } categories)
                foreach (var (value, count) in categories.Entries())
                    profile.Categories[value] = count;
            return profile;
        }
    }
}

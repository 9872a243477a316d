using System.Runtime.CompilerServices;
using MlOps.ServiceDefaults.Batches;
using MlOps.Tabular;

namespace MlOps.Validation.Profiling;

// The scanner's parallel path: each stretch of the batch is profiled by its own part, and the parts are merged in input
// order. Categories are merged with the same first-come limit as AddCategory, so counts match a sequential pass exactly;
// the moments are merged with Chan et al.'s update, equal to a sequential pass up to rounding.
public sealed partial class BatchProfiler
{
    // Per column, once its categories are full: the values counted by name, which no later row can change.
    FullCategories?[] _fullCategories = [];

    sealed record FullCategories(Utf8ValueCounter Index, string[] Values);

    readonly Stack<List<ulong>> _spareHashLists = new();

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
        return new Part([.. _modes], [.. _columns.Select(c => c.Edges)], [.. _fullCategories], hashes, hashRows: _rowHashes.Count < MaxRowsTrackedForDuplicates);
    }

    public void Merge(ITabularPartVisitor part)
    {
        var p = (Part)part;
        for (var i = 0; i < _columns.Count; i++)
        {
            _columns[i].Merge(p.Profile(i, _columns[i].Name));
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
    }

    sealed class Part(ColumnMode[] modes, double[]?[] edges, FullCategories?[] full, List<ulong> hashes, bool hashRows) : ITabularPartVisitor
    {
        readonly long[] _count = new long[modes.Length], _nulls = new long[modes.Length], _nonFinite = new long[modes.Length], _numeric = new long[modes.Length];
        readonly double[] _mean = new double[modes.Length], _m2 = new double[modes.Length];
        readonly double[] _min = Filled(modes.Length, double.PositiveInfinity), _max = Filled(modes.Length, double.NegativeInfinity);
        readonly long[]?[] _bins = [.. edges.Select(e => e is null ? null : new long[e.Length + 1])];
        readonly double[] _binScale = [.. edges.Select(e => e is { Length: > 1 } ? (e.Length - 1) / (e[^1] - e[0]) : 0)];
        // Not capped here while the merged column has room: the cap applies when merging, in input order (see
        // ColumnProfile.Merge). Once it is full, only the values it counts by name are counted by name, the rest lumped.
        readonly Utf8ValueCounter?[] _categories = [.. modes.Select((m, i) => m is ColumnMode.Categorical or ColumnMode.Both && full[i] is null ? new Utf8ValueCounter() : null)];

        public FullCategories?[] Full { get; } = full;
        public long[]?[] KnownCounts { get; } = [.. full.Select(f => f is null ? null : new long[f.Values.Length])];
        public long[] Other { get; } = new long[modes.Length];

        public List<ulong> Hashes { get; } = hashes;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot: once per value, straight to optimised code
        public void OnRow(ref TabularRow row)
        {
            if (hashRows)
                Hashes.Add(row.ContentHash());
            for (var i = 0; i < modes.Length; i++)
            {
                _count[i]++;
                if (row.IsMissing(i))
                {
                    _nulls[i]++;
                    continue;
                }
                var mode = modes[i];
                if (mode is ColumnMode.Numeric or ColumnMode.Both && row.TryGetNumber(i, out var x))
                    AddNumber(i, x);
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

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        void AddNumber(int i, double x)
        {
            if (!double.IsFinite(x))
            {
                _nonFinite[i]++;
                return;
            }
            var n = ++_numeric[i];
            var delta = x - _mean[i];
            _mean[i] += delta / n;
            _m2[i] += delta * (x - _mean[i]);
            if (x < _min[i]) _min[i] = x;
            if (x > _max[i]) _max[i] = x;
            if (_bins[i] is { } bins)
                bins[ColumnProfile.BinOf(edges[i]!, x, _binScale[i])]++;
        }

        public ColumnProfile Profile(int i, string name)
        {
            var numeric = _numeric[i] > 0;
            var profile = new ColumnProfile
            {
                Name = name, Count = _count[i], Nulls = _nulls[i], NonFinite = _nonFinite[i], Numeric = _numeric[i],
                Mean = _mean[i], M2 = _m2[i], Min = numeric ? _min[i] : null, Max = numeric ? _max[i] : null,
                Edges = edges[i], Bins = _bins[i],
            };
            if (_categories[i] is { } categories)
                foreach (var (value, count) in categories.Entries())
                    profile.Categories[value] = count;
            return profile;
        }

        static double[] Filled(int n, double value)
        {
            var a = new double[n];
            Array.Fill(a, value);
            return a;
        }
    }
}

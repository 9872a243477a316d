using System.Globalization;
using System.Runtime.CompilerServices;

namespace MlOps.Tabular;

// The byte path: the same decisions as Observe(ReadOnlySpan<char>), taken on UTF-8 fields, with each number parsed once
// and shared with the visitor, and with per-part results merged in input order.
public sealed partial class ColumnTypeInference
{
    bool _timeEndedByNumber;
    // The byte path's distinct values, kept as UTF-8 (no strings); a column is fed by one path or the other.
    Utf8ValueCounter? _distinctUtf8;

    int DistinctCount => _distinct.Count + (_distinctUtf8?.Count ?? 0);

    /// <summary>Whether distinct values are still worth collecting (merged parts stop once the total is full).</summary>
    internal bool DistinctFull => DistinctCount >= MaxDistinctTracked;

    /// <summary>Not full yet, but most values so far were distinct: it will fill soon.</summary>
    internal bool Filling => !DistinctFull && DistinctCount > 1000 && 2 * DistinctCount > Count - Nulls;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot: once per value, straight to optimised code
    internal void Observe(ref TabularRow row, int i, bool trackDistinct)
    {
        Count++;
        var bytes = row.Utf8(i);
        if (IsMissing(bytes))
        {
            Nulls++;
            row.MarkMissing(i);
            return;
        }
        if (_int || _float)
        {
            var isNumber = row.Parse(i, out var isInteger, needInteger: _int);
            if (_int && !isInteger)
                _int = false;
            if (_float)
            {
                if (isNumber)
                    Accumulate(row.TryGetNumber(i, out var x) ? x : 0);
                else
                    _float = false;
            }
        }
        if (trackDistinct)
        {
            _distinctUtf8 ??= new Utf8ValueCounter();
            _distinctUtf8.Add(bytes, addNew: _distinctUtf8.Count < MaxDistinctTracked); // enough for any union's first 10,000
        }
        if (_bool && !IsBoolean(row.Chars(i)))
            _bool = false;
        if (_time)
        {
            if (_float)
            {
                _time = false;
                _timeEndedByNumber = true;
            }
            else if (!DateTimeOffset.TryParse(row.Chars(i), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
                _time = false;
        }
    }

    /// <summary>
    /// False when merging <paramref name="part"/> could differ from reading its rows after this column's: a timestamp
    /// test the part skipped because its values were still all numbers, while this column's were not. Rare; the
    /// caller then reads that part's rows again with <see cref="Observe(ref TabularRow, int, bool)"/> on this column.
    /// </summary>
    internal bool CanMerge(ColumnTypeInference part) => !(part._timeEndedByNumber && !_float && _time && Count > Nulls);

    /// <summary>Adds a later part of the same column (Chan et al.'s parallel update for the moments).</summary>
    internal void Merge(ColumnTypeInference part)
    {
        var empty = Count == Nulls;
        var partEmpty = part.Count == part.Nulls;
        Count += part.Count;
        Nulls += part.Nulls;
        if (partEmpty)
            return;
        if (empty)
        {
            (_int, _float, _bool, _time, _timeEndedByNumber) = (part._int, part._float, part._bool, part._time, part._timeEndedByNumber);
            (_numeric, _nonFinite, _mean, _m2, _min, _max) = (part._numeric, part._nonFinite, part._mean, part._m2, part._min, part._max);
        }
        else
        {
            _int &= part._int;
            _nonFinite += part._nonFinite;
            _bool &= part._bool;
            _time &= part._time;
            if (_float && part._numeric > 0)
            {
                var n = _numeric + part._numeric;
                var delta = part._mean - _mean;
                _m2 += part._m2 + delta * delta * _numeric * part._numeric / n;
                _mean += delta * part._numeric / n;
                _numeric = n;
                _min = Math.Min(_min, part._min);
                _max = Math.Max(_max, part._max);
            }
            _float &= part._float;
        }
        if (part._distinctUtf8 is not { } values)
            return;
        _distinctUtf8 ??= new Utf8ValueCounter();
        for (var id = 0; id < values.Count && _distinctUtf8.Count < MaxDistinctTracked; id++)
            _distinctUtf8.Add(values.ValueAt(id));
    }
}

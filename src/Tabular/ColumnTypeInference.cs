using System.Globalization;
using System.Runtime.CompilerServices;

namespace MlOps.Tabular;

/// <summary>
/// Infers a column's type in one pass: the narrowest of integer, float, boolean, timestamp that every non-null value
/// fits, else string. Missing values (<see cref="NullTokens"/>) are counted, not treated as text; <c>NaN</c> and <c>Inf</c> are
/// numbers that are counted as non-finite and left out of the moments.
/// </summary>
public sealed partial class ColumnTypeInference(string name)
{
    const int MaxDistinctTracked = 10_000;
    bool _int = true, _float = true, _bool = true, _time = true;
    long _numeric, _nonFinite;
    double _mean, _m2, _min = double.PositiveInfinity, _max = double.NegativeInfinity;
    readonly HashSet<string> _distinct = new(StringComparer.Ordinal);

    public string Name { get; } = name;
    public long Count { get; private set; }
    public long Nulls { get; private set; }

    public void Observe(ReadOnlySpan<char> value)
    {
        Count++;
        if (IsMissing(value))
        {
            Nulls++;
            return;
        }
        if (_int || _float)
        {
            var isNumber = Utf8Number.TryParse(value, out var x, out var isInteger, needInteger: _int);
            if (_int && !isInteger)
                _int = false;
            if (_float)
            {
                if (isNumber)
                    Accumulate(x);
                else
                    _float = false;
            }
        }
        if (_distinct.Count < MaxDistinctTracked)
            _distinct.Add(value.ToString());
        if (_bool && !IsBoolean(value))
            _bool = false;
        if (_time && (_float || !DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _)))
            _time = false;
    }

    public string Type =>
        Count == Nulls ? ColumnTypes.String
        : _int ? ColumnTypes.Integer
        : _float ? ColumnTypes.Float
        : _bool ? ColumnTypes.Boolean
        : _time ? ColumnTypes.Timestamp
        : ColumnTypes.String;

    /// <summary>Summary statistics; numeric ones only when the column is numeric. Distinct counts stop at 10,000.</summary>
    public ColumnStatistics Summary()
    {
        var numeric = Type is ColumnTypes.Integer or ColumnTypes.Float && _numeric > 0;
        return new ColumnStatistics(Name, Type, Count, Nulls, _nonFinite,
            numeric ? _mean : null,
            numeric ? (_numeric > 1 ? Math.Sqrt(_m2 / (_numeric - 1)) : 0) : null,
            numeric ? _min : null,
            numeric ? _max : null,
            DistinctCount);
    }

    // Welford's update: one pass, numerically stable.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void Accumulate(double x)
    {
        if (!double.IsFinite(x))
        {
            _nonFinite++;
            return;
        }
        _numeric++;
        var delta = x - _mean;
        _mean += delta / _numeric;
        _m2 += delta * (x - _mean);
        if (x < _min) _min = x;
        if (x > _max) _max = x;
    }

    public static bool IsMissing(ReadOnlySpan<char> value) => NullTokens.IsMissing(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsMissing(ReadOnlySpan<byte> value) => NullTokens.IsMissing(value);

    static bool IsBoolean(ReadOnlySpan<char> v) =>
        v.Equals("true", StringComparison.OrdinalIgnoreCase) || v.Equals("false", StringComparison.OrdinalIgnoreCase);
}

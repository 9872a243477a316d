using System.Runtime.CompilerServices;
using System.Text;

namespace MlOps.Tabular;

/// <summary>
/// A visitor the CSV scanner can split a batch between threads for: each part sees the rows of one contiguous stretch
/// of the input, and the parts come back to <see cref="Merge"/> one at a time, in input order, so the result does not
/// depend on how many threads ran or which finished first.
/// </summary>
public interface ITabularPartitionedVisitor : ITabularVisitor
{
    /// <summary>A fresh part, after every column has been announced through <see cref="ITabularVisitor.OnColumn"/>.</summary>
    ITabularPartVisitor CreatePart();

    void Merge(ITabularPartVisitor part);
}

/// <summary>Sees the well-formed rows of one stretch of a batch, on one thread.</summary>
public interface ITabularPartVisitor
{
    void OnRow(ref TabularRow row);
}

/// <summary>A part that may find, part-way through its stretch, that it must read the stretch again from its start.</summary>
internal interface IRetryingPart : ITabularPartVisitor
{
    /// <summary>A fresh part to read the same stretch with, or null when this part's rows stand.</summary>
    ITabularPartVisitor? Retry();
}

/// <summary>
/// One row as UTF-8 field values, without a string per field. A number is parsed once, by whoever asks first (the
/// scanner's type inference or a visitor), and shared.
/// </summary>
public ref struct TabularRow
{
    const byte NotParsed = 0, Missing = 1, Number = 2, NotNumber = 3;

    readonly ReadOnlySpan<byte> _text;
    readonly ReadOnlySpan<int> _bounds;
    readonly Span<double> _numbers;
    readonly Span<byte> _kinds;
    readonly RowBuffers _buffers;
    readonly bool _canonical;

    internal TabularRow(ReadOnlySpan<byte> text, ReadOnlySpan<int> bounds, RowBuffers buffers, bool canonical)
    {
        _text = text;
        _bounds = bounds;
        _buffers = buffers;
        _canonical = canonical;
        var count = bounds.Length / 2;
        _numbers = buffers.Numbers.AsSpan(0, count);
        _kinds = buffers.Kinds.AsSpan(0, count);
        _kinds.Clear();
    }

    public readonly int Count => _bounds.Length / 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ReadOnlySpan<byte> Utf8(int i) => _text[_bounds[2 * i].._bounds[2 * i + 1]];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool IsMissing(int i)
    {
        if (_kinds[i] == NotParsed && ColumnTypeInference.IsMissing(Utf8(i)))
            _kinds[i] = Missing;
        return _kinds[i] == Missing;
    }

    /// <summary>The value as <c>double.TryParse(NumberStyles.Float, InvariantCulture)</c> reads it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool TryGetNumber(int i, out double value)
    {
        if (_kinds[i] == NotParsed)
            Parse(i, out _);
        value = _numbers[i];
        return _kinds[i] == Number;
    }

    /// <summary>Parses field i, remembering the result; <paramref name="isInteger"/> is only meaningful on this first parse.</summary>
    internal readonly bool Parse(int i, out bool isInteger, bool needInteger = false)
    {
        var ok = Utf8Number.TryParse(Utf8(i), out var x, out isInteger, needInteger);
        _numbers[i] = x;
        _kinds[i] = ok ? Number : NotNumber;
        return ok;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal readonly void MarkMissing(int i) => _kinds[i] = Missing;

    /// <summary>Field i as UTF-16, in a buffer reused for the next call.</summary>
    public readonly ReadOnlySpan<char> Chars(int i)
    {
        var bytes = Utf8(i);
        if (_buffers.Chars.Length < bytes.Length)
            _buffers.Chars = new char[Math.Max(bytes.Length, 2 * _buffers.Chars.Length)];
        var n = Encoding.UTF8.GetChars(bytes, _buffers.Chars);
        return _buffers.Chars.AsSpan(0, n);
    }

    /// <summary>
    /// A 64-bit hash of the row's values: equal rows hash equal however they were quoted. It hashes the row written as
    /// canonical CSV (a field quoted only when it holds a comma, quote or line break), which is what a row without
    /// quoted fields already is.
    /// </summary>
    public readonly ulong ContentHash()
    {
        if (_canonical)
            return RowHash.Of(_text[_bounds[0].._bounds[^1]]);
        var scratch = _buffers.Canonical;
        scratch.Clear();
        for (var i = 0; i < Count; i++)
        {
            if (i > 0)
                scratch.Add((byte)',');
            var value = Utf8(i);
            if (value.IndexOfAny("\",\r\n"u8) < 0)
            {
                scratch.AddRange(value);
                continue;
            }
            scratch.Add((byte)'"');
            foreach (var b in value)
            {
                if (b == '"')
                    scratch.Add(b);
                scratch.Add(b);
            }
            scratch.Add((byte)'"');
        }
        return RowHash.Of(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(scratch));
    }
}

/// <summary>Per-thread buffers behind <see cref="TabularRow"/>, reused from row to row.</summary>
internal sealed class RowBuffers(int columns)
{
    public double[] Numbers { get; } = new double[columns];
    public byte[] Kinds { get; } = new byte[columns];
    public char[] Chars { get; set; } = new char[256];
    public List<byte> Canonical { get; } = new(256);
}

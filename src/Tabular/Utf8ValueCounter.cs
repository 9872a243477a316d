using System.Runtime.CompilerServices;
using System.Text;

namespace MlOps.Tabular;

/// <summary>
/// Counts distinct UTF-8 values without making a string per occurrence: values live once in a byte arena, found by a
/// 64-bit hash and a byte comparison. Equal UTF-8 means equal strings, so the counts are those of an ordinal string
/// dictionary; <see cref="Entries"/> lists the values in the order they first appeared.
/// </summary>
public sealed class Utf8ValueCounter
{
    int[] _slots = new int[64]; // index + 1 of the value in each slot; 0 is empty
    ulong[] _hashes = new ulong[32];
    int[] _starts = new int[32], _lengths = new int[32];
    long[] _counts = new long[32];
    byte[] _arena = new byte[1024];
    int _used;

    public int Count { get; private set; }

    /// <summary>Counts one occurrence; a value not yet seen is added only when <paramref name="addNew"/>. False if not counted.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot: once per value, straight to optimised code
    public bool Add(ReadOnlySpan<byte> value, bool addNew = true)
    {
        var hash = RowHash.Of(value);
        var mask = _slots.Length - 1;
        for (var slot = (int)hash & mask; ; slot = (slot + 1) & mask)
        {
            var id = _slots[slot] - 1;
            if (id < 0)
            {
                if (!addNew)
                    return false;
                _slots[slot] = Append(value, hash) + 1;
                if (2 * Count > _slots.Length)
                    Rehash();
                return true;
            }
            if (_hashes[id] == hash && value.SequenceEqual(_arena.AsSpan(_starts[id], _lengths[id])))
            {
                _counts[id]++;
                return true;
            }
        }
    }

    /// <summary>Counts one occurrence and returns the value's position in order of first appearance.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot: once per categorical value when reading typed columns
    public int Intern(ReadOnlySpan<byte> value)
    {
        var hash = RowHash.Of(value);
        var mask = _slots.Length - 1;
        for (var slot = (int)hash & mask; ; slot = (slot + 1) & mask)
        {
            var id = _slots[slot] - 1;
            if (id < 0)
            {
                id = Append(value, hash);
                _slots[slot] = id + 1;
                if (2 * Count > _slots.Length)
                    Rehash();
                return id;
            }
            if (_hashes[id] == hash && value.SequenceEqual(_arena.AsSpan(_starts[id], _lengths[id])))
            {
                _counts[id]++;
                return id;
            }
        }
    }

    /// <summary>The value counted <paramref name="id"/>-th, as a string.</summary>
    public string StringAt(int id) => Encoding.UTF8.GetString(_arena, _starts[id], _lengths[id]);

    /// <summary>The position (order of first appearance) of a value already counted, else -1. Only reads.</summary>
    public int IndexOf(ReadOnlySpan<byte> value)
    {
        var hash = RowHash.Of(value);
        var mask = _slots.Length - 1;
        for (var slot = (int)hash & mask; ; slot = (slot + 1) & mask)
        {
            var id = _slots[slot] - 1;
            if (id < 0 || (_hashes[id] == hash && value.SequenceEqual(_arena.AsSpan(_starts[id], _lengths[id]))))
                return id;
        }
    }

    /// <summary>The value counted <paramref name="id"/>-th, in order of first appearance.</summary>
    public ReadOnlySpan<byte> ValueAt(int id) => _arena.AsSpan(_starts[id], _lengths[id]);

    public IEnumerable<(string Value, long Count)> Entries()
    {
        for (var id = 0; id < Count; id++)
            yield return (Encoding.UTF8.GetString(_arena, _starts[id], _lengths[id]), _counts[id]);
    }

    int Append(ReadOnlySpan<byte> value, ulong hash)
    {
        if (Count == _hashes.Length)
        {
            Array.Resize(ref _hashes, 2 * Count);
            Array.Resize(ref _starts, 2 * Count);
            Array.Resize(ref _lengths, 2 * Count);
            Array.Resize(ref _counts, 2 * Count);
        }
        if (_arena.Length - _used < value.Length)
            Array.Resize(ref _arena, Math.Max(2 * _arena.Length, _used + value.Length));
        value.CopyTo(_arena.AsSpan(_used));
        var id = Count++;
        (_hashes[id], _starts[id], _lengths[id], _counts[id]) = (hash, _used, value.Length, 1);
        _used += value.Length;
        return id;
    }

    void Rehash()
    {
        _slots = new int[2 * _slots.Length];
        var mask = _slots.Length - 1;
        for (var id = 0; id < Count; id++)
        {
            var slot = (int)_hashes[id] & mask;
            while (_slots[slot] != 0)
                slot = (slot + 1) & mask;
            _slots[slot] = id + 1;
        }
    }
}

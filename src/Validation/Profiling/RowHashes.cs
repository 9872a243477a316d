namespace MlOps.Validation.Profiling;

/// <summary>
/// Row hashes kept for counting duplicates, counted by sorting them once, after the scan: cheaper than a hash set filled
/// row by row (whose random accesses over megabytes of table were a large part of a scan), half the memory, and the
/// two halves sort on two cores. The count does not depend on the order of the hashes.
/// </summary>
sealed class RowHashes
{
    ulong[] _hashes = new ulong[1024];
    long? _duplicates;

    public int Count { get; private set; }

    public void Add(ReadOnlySpan<ulong> hashes)
    {
        if (Count + hashes.Length > _hashes.Length)
            Array.Resize(ref _hashes, Math.Max(2 * _hashes.Length, Count + hashes.Length));
        hashes.CopyTo(_hashes.AsSpan(Count));
        Count += hashes.Length;
        _duplicates = null;
    }

    /// <summary>How many hashes equal an earlier one.</summary>
    public long Duplicates() => _duplicates ??= Count < 2 ? 0 : Sort();

    long Sort()
    {
        var half = Count / 2;
        var hashes = _hashes;
        var count = Count;
        if (count >= 100_000)
            Parallel.Invoke(() => Array.Sort(hashes, 0, half), () => Array.Sort(hashes, half, count - half));
        else
        {
            Array.Sort(hashes, 0, half);
            Array.Sort(hashes, half, count - half);
        }
        return count - DistinctInSortedHalves(hashes.AsSpan(0, half), hashes.AsSpan(half, count - half));
    }

    // Merges the two sorted halves in one walk, counting each value once.
    static long DistinctInSortedHalves(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        long distinct = 0;
        int i = 0, j = 0;
        var hasLast = false;
        ulong last = 0;
        while (i < a.Length || j < b.Length)
        {
            var next = j >= b.Length || (i < a.Length && a[i] <= b[j]) ? a[i++] : b[j++];
            if (!hasLast || next != last)
            {
                distinct++;
                last = next;
                hasLast = true;
            }
        }
        return distinct;
    }
}

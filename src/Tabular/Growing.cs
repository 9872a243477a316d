namespace MlOps.Tabular;

/// <summary>An array that doubles as values are added: a stretch's values before they join their column.</summary>
internal struct Growing<T>(int capacity)
{
    T[] _items = new T[Math.Max(capacity, 16)];

    public int Count { get; private set; }

    public void Add(T value)
    {
        if (Count == _items.Length)
            Array.Resize(ref _items, 2 * _items.Length);
        _items[Count++] = value;
    }

    public readonly ReadOnlySpan<T> Span => _items.AsSpan(0, Count);
}

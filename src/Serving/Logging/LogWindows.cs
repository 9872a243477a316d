using System.Buffers;
using System.Text.Json;

namespace MlOps.Serving.Logging;

/// <summary>The predictions of one model version, champion or shadow, that go into one window.</summary>
public sealed record WindowKey(string Model, int Version, bool Shadow);

/// <summary>A window ready to write: its predictions as NDJSON (docs/prediction-logs.md).</summary>
public sealed record ClosedWindow(WindowKey Key, DateTimeOffset Start, DateTimeOffset End, int Count, byte[] Ndjson);

/// <summary>
/// Groups logged predictions into windows per model version (champion and shadow apart) and closes a window when it
/// holds <c>maxRows</c> predictions or its first prediction is <c>maxAge</c> old. Single-threaded: the log writer owns it.
/// </summary>
public sealed class LogWindows(int maxRows, TimeSpan maxAge)
{
    readonly Dictionary<WindowKey, OpenWindow> _open = [];

    public int OpenCount => _open.Count;

    /// <summary>The predictions held in open windows.</summary>
    public int Pending => _open.Values.Sum(w => w.Count);

    /// <summary>When the oldest open window is due, or null when none is open.</summary>
    public DateTimeOffset? NextDue => _open.Count == 0 ? null : _open.Values.Min(w => w.Start) + maxAge;

    /// <summary>Appends each prediction to its window; windows that reach the row limit are added to <paramref name="closed"/>.</summary>
    public void Add(LoggedPredictions predictions, List<ClosedWindow> closed)
    {
        var key = new WindowKey(predictions.Model.Model, predictions.Model.Version, predictions.Shadow);
        for (var r = 0; r < predictions.Count; r++)
        {
            if (!_open.TryGetValue(key, out var window))
                _open[key] = window = new OpenWindow(key, predictions.At);
            window.Append(predictions, r);
            if (window.Count >= maxRows)
            {
                closed.Add(window.Close());
                _open.Remove(key);
            }
        }
    }

    /// <summary>Closes every window whose first prediction is at least the maximum age old at <paramref name="now"/>.</summary>
    public void CloseDue(DateTimeOffset now, List<ClosedWindow> closed)
    {
        foreach (var (key, window) in _open.Where(w => now - w.Value.Start >= maxAge).ToList())
        {
            closed.Add(window.Close());
            _open.Remove(key);
        }
    }

    public void CloseAll(List<ClosedWindow> closed)
    {
        foreach (var window in _open.Values)
            closed.Add(window.Close());
        _open.Clear();
    }

    sealed class OpenWindow(WindowKey key, DateTimeOffset start)
    {
        readonly ArrayBufferWriter<byte> _buffer = new(16 * 1024);
        Utf8JsonWriter? _writer;

        public DateTimeOffset Start { get; } = start;
        public DateTimeOffset End { get; private set; } = start;
        public int Count { get; private set; }

        public void Append(LoggedPredictions p, int row)
        {
            if (_writer is null)
                _writer = new Utf8JsonWriter(_buffer);
            else
                _writer.Reset(_buffer);
            PredictionLogFormat.WriteLine(_writer, p, row);
            _writer.Flush();
            _buffer.Write("\n"u8);
            Count++;
            if (p.At > End)
                End = p.At;
        }

        public ClosedWindow Close()
        {
            _writer?.Dispose();
            return new ClosedWindow(key, Start, End, Count, _buffer.WrittenSpan.ToArray());
        }
    }
}

namespace MlOps.AppHost.Orchestration;

/// <summary>
/// One writer for the AppHost's own messages and every child's output, so lines from parallel processes never
/// interleave mid-line and each carries the name of the resource that printed it.
/// </summary>
/// <remarks>
/// Lines are queued and written by one dedicated thread: when whatever reads the AppHost's output is slow, only that
/// thread waits, instead of every output callback blocking a thread-pool thread (which starved the dashboard).
/// </remarks>
public sealed class ConsoleOutput : IDisposable
{
    private static readonly ConsoleColor[] Palette =
    [
        ConsoleColor.Cyan, ConsoleColor.Green, ConsoleColor.Yellow, ConsoleColor.Magenta,
        ConsoleColor.Blue, ConsoleColor.DarkCyan, ConsoleColor.DarkGreen, ConsoleColor.DarkYellow,
    ];

    private readonly System.Collections.Concurrent.BlockingCollection<Action> _queue = new();
    private readonly Thread _writer;
    private readonly Dictionary<string, ConsoleColor> _colours = new(StringComparer.Ordinal);
    private readonly bool _colour = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;

    public ConsoleOutput()
    {
        _writer = new Thread(() =>
        {
            foreach (var write in _queue.GetConsumingEnumerable())
                write();
        }) { IsBackground = true, Name = "console output" };
        _writer.Start();
    }

    public void Line(string source, string text) => Enqueue(() =>
        {
            if (_colour)
            {
                Console.ForegroundColor = ColourOf(source);
                Console.Write($"[{source}]");
                Console.ResetColor();
                Console.WriteLine($" {text}");
            }
            else
            {
                Console.WriteLine($"[{source}] {text}");
            }
        });

    /// <summary>Writes a block (the resource table) without prefixes, in one piece.</summary>
    public void Block(string text) => Enqueue(() => Console.WriteLine(text));

    private void Enqueue(Action write)
    {
        if (!_queue.IsAddingCompleted)
        {
            try { _queue.Add(write); }
            catch (InvalidOperationException) { write(); } // completed meanwhile: shutting down, write directly
        }
        else
        {
            write();
        }
    }

    /// <summary>Writes what is still queued, then stops the writer thread.</summary>
    public void Dispose()
    {
        _queue.CompleteAdding();
        _writer.Join(TimeSpan.FromSeconds(5));
    }

    public Action<string> For(string source) => text => Line(source, text);

    private ConsoleColor ColourOf(string source)
    {
        if (!_colours.TryGetValue(source, out var colour))
        {
            colour = Palette[_colours.Count % Palette.Length];
            _colours[source] = colour;
        }
        return colour;
    }
}

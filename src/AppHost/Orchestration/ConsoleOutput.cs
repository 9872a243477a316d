namespace MlOps.AppHost.Orchestration;

/// <summary>
/// One writer for the AppHost's own messages and every child's output, so lines from parallel processes never
/// interleave mid-line and each carries the name of the resource that printed it.
/// </summary>
public sealed class ConsoleOutput
{
    private static readonly ConsoleColor[] Palette =
    [
        ConsoleColor.Cyan, ConsoleColor.Green, ConsoleColor.Yellow, ConsoleColor.Magenta,
        ConsoleColor.Blue, ConsoleColor.DarkCyan, ConsoleColor.DarkGreen, ConsoleColor.DarkYellow,
    ];

    private readonly Lock _gate = new();
    private readonly Dictionary<string, ConsoleColor> _colours = new(StringComparer.Ordinal);
    private readonly bool _colour = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;

    public void Line(string source, string text)
    {
        lock (_gate)
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
        }
    }

    /// <summary>Writes a block (the resource table) without prefixes, in one piece.</summary>
    public void Block(string text)
    {
        lock (_gate)
        {
            Console.WriteLine(text);
        }
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

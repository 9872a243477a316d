namespace MlOps.Testing;

/// <summary>The last lines a process printed, kept so a start-up failure can show why.</summary>
internal sealed class OutputTail(int capacity = 60)
{
    private readonly Queue<string> _lines = new();
    private readonly Lock _gate = new();

    public void Add(string line)
    {
        lock (_gate)
        {
            _lines.Enqueue(line);
            while (_lines.Count > capacity)
            {
                _lines.Dequeue();
            }
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            return string.Join(Environment.NewLine, _lines);
        }
    }

    public static string OfFile(string path, int lines = 40)
    {
        try
        {
            return File.Exists(path) ? string.Join(Environment.NewLine, File.ReadLines(path).TakeLast(lines)) : "";
        }
        catch (IOException)
        {
            return "";
        }
    }
}

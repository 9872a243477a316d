using System.Diagnostics;

namespace MlOps.Tests.AppHost;

/// <summary>The platform's processes as /proc shows them, and a crash: SIGKILL, with no chance to clean up.</summary>
static class Processes
{
    public static void Crash(int pid) => Process.GetProcessById(pid).Kill();

    public static IEnumerable<int> Children(int parent)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && ParentOf(pid) == parent)
            {
                yield return pid;
            }
        }
    }

    public static int? ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
        }
        catch (IOException)
        {
            return null;
        }
    }

    public static string? Name(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }
}

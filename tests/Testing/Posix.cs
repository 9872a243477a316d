using System.Runtime.InteropServices;

namespace MlOps.Testing;

/// <summary>
/// The few POSIX calls .NET does not expose: sending SIGTERM (Process.Kill only sends SIGKILL, which gives
/// RabbitMQ, PostgreSQL and the services no chance to shut down cleanly) and asking whether we run as root.
/// </summary>
internal static class Posix
{
    private const int SigTerm = 15;
    private const int Eperm = 1;

    [DllImport("libc", SetLastError = true, EntryPoint = "kill")]
    private static extern int SendSignal(int pid, int signal);

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEffectiveUserId();

    public static bool IsRoot => OperatingSystem.IsLinux() && GetEffectiveUserId() == 0;

    public static bool Terminate(int pid) => SendSignal(pid, SigTerm) == 0;

    /// <summary>True while the process runs; a zombie waiting to be reaped counts as gone.</summary>
    public static bool IsAlive(int pid) =>
        (SendSignal(pid, 0) == 0 || Marshal.GetLastPInvokeError() == Eperm) && !IsZombie(pid);

    // /proc/<pid>/stat is "pid (comm) state ..."; comm may hold spaces or parentheses, so read after the last ')'.
    private static bool IsZombie(int pid)
    {
        var stat = ReadProcFile(pid, "stat");
        var end = stat?.LastIndexOf(')') ?? -1;
        return stat is not null && end >= 0 && end + 2 < stat.Length && stat[end + 2] == 'Z';
    }

    /// <summary>The command line of a running process (arguments joined by spaces), or null if it is gone.</summary>
    public static string? CommandLine(int pid) => ReadProcFile(pid, "cmdline");

    /// <summary>The environment of a running process (NUL separators replaced by newlines), or null if unreadable.</summary>
    public static string? EnvironmentOf(int pid) => ReadProcFile(pid, "environ");

    private static string? ReadProcFile(int pid, string name)
    {
        try
        {
            var raw = File.ReadAllText($"/proc/{pid}/{name}");
            return name == "environ" ? raw.Replace('\0', '\n') : raw.Replace('\0', ' ').TrimEnd();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Ids of every process visible in /proc.</summary>
    public static IEnumerable<int> ProcessIds()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid))
            {
                yield return pid;
            }
        }
    }
}

using System.Runtime.InteropServices;
using MlOps.Learning.Trainers;

namespace MlOps.Learning.MLNet;

/// <summary>Checks native libraries before ML.NET reaches for them, so a missing one fails with a message, not a native stack trace.</summary>
public static class NativeDependencies
{
    public const string LibGompPackage = "libgomp1";

    /// <summary>LightGBM's native library links against GNU OpenMP (Debian/Ubuntu package libgomp1).</summary>
    /// <exception cref="TrainingDataException">The OpenMP runtime cannot be loaded.</exception>
    public static void EnsureLightGbm()
    {
        PreferPassiveOpenMpWait();
        EnsureLightGbm(TryLoad);
    }

    /// <summary>
    /// GNU OpenMP's idle threads spin by default; on a machine shared with other work (2 cores, several builds)
    /// spinning threads steal the cores the working ones need (measured 3-4x slower LightGBM under load). Unless the
    /// user chose a policy, threads sleep when idle. Must run before libgomp is loaded: it reads the setting once.
    /// </summary>
    private static void PreferPassiveOpenMpWait()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is not null) return;
        try { _ = SetEnv("OMP_WAIT_POLICY", "PASSIVE", 0); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
    }

    // .NET keeps its own copy of the environment on Unix; native libraries read the C library's.
    [DllImport("libc", EntryPoint = "setenv", CharSet = CharSet.Ansi)]
    private static extern int SetEnv(string name, string value, int overwrite);

    /// <summary>The same check with a replaceable loader (for tests).</summary>
    public static void EnsureLightGbm(Func<string, bool> tryLoad)
    {
        if (!OperatingSystem.IsLinux()) return;
        if (!tryLoad("libgomp.so.1")) throw new TrainingDataException(MissingMessage);
    }

    public static string MissingMessage =>
        $"The lightgbm trainer needs the GNU OpenMP runtime (libgomp.so.1), which is not installed: install the Debian package {LibGompPackage} " +
        $"(apt-get install {LibGompPackage}, or scripts/install-deps.sh), or choose the gbdt trainer.";

    private static bool TryLoad(string name)
    {
        if (!NativeLibrary.TryLoad(name, out var handle)) return false;
        NativeLibrary.Free(handle);
        return true;
    }
}

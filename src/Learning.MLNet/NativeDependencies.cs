using System.Runtime.InteropServices;
using MlOps.Learning.Trainers;

namespace MlOps.Learning.MLNet;

/// <summary>Checks native libraries before ML.NET reaches for them, so a missing one fails with a message, not a native stack trace.</summary>
public static class NativeDependencies
{
    public const string LibGompPackage = "libgomp1";

    /// <summary>LightGBM's native library links against GNU OpenMP (Debian/Ubuntu package libgomp1).</summary>
    /// <exception cref="TrainingDataException">The OpenMP runtime cannot be loaded.</exception>
    public static void EnsureLightGbm() => EnsureLightGbm(TryLoad);

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

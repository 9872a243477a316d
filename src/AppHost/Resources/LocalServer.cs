namespace MlOps.AppHost.Resources;

/// <summary>What the RabbitMQ and PostgreSQL executable resources share: a state directory and a port of their own.</summary>
static class LocalServer
{
    /// <summary>The configured port, or a free one on the loopback interface when the setting is 0 or absent.</summary>
    public static int PortOrFree(int? configured) => configured is > 0 ? configured.Value : LoopbackPorts.Free();

    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>
    /// A secret kept in <paramref name="file"/> (readable by its owner only): the one written there before, else a new
    /// random one (48 hex digits), so passwords and keys stay the same across restarts of the platform.
    /// </summary>
    public static string Secret(string file)
    {
        if (File.Exists(file) && File.ReadAllText(file).Trim() is { Length: >= 32 } kept)
            return kept;
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var secret = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        WritePrivate(file, secret);
        return secret;
    }

    /// <summary>Runs a server's tool (initdb, chown, rabbitmqctl) to its end; a non-zero exit throws with its output.</summary>
    public static async Task RunAsync(string program, IEnumerable<string> args, CancellationToken ct, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new System.Diagnostics.ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            info.Environment[name] = value;
        using var process = System.Diagnostics.Process.Start(info) ?? throw new InvalidOperationException($"Could not start {program}");
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited with {process.ExitCode}: {await error}{await output}");
    }

    /// <summary>Writes a file only its owner can read (it holds a password).</summary>
    public static void WritePrivate(string file, string text)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var writer = new StreamWriter(new FileStream(file, options));
        writer.Write(text);
    }

    /// <summary>
    /// Runs <paramref name="program"/> in a small shell that turns the SIGTERM the orchestrator sends on stop into
    /// <paramref name="stopSignal"/>, so a server gets the shutdown it prefers (PostgreSQL: SIGINT, a fast shutdown)
    /// and exits with its own exit code.
    /// </summary>
    public static (string Command, string[] Args) WithStopSignal(string stopSignal, string program, IEnumerable<string> args) =>
        ("/bin/sh",
        [
            "-c",
            $"trap 'kill -{stopSignal} $child' TERM INT; \"$@\" & child=$!; wait $child; trap - TERM INT; wait $child",
            "sh", program, .. args,
        ]);
}

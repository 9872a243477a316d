using System.Diagnostics;

using Npgsql;

namespace MlOps.Testing;

/// <summary>
/// A private PostgreSQL cluster in one data directory, listening on 127.0.0.1 and a socket inside that
/// directory, with trust authentication for the <c>postgres</c> user. Restarting on the same directory keeps the data.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private const string BinDir = "/usr/lib/postgresql/15/bin";
    private const string SystemUser = "postgres";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    private readonly string _dataDir;
    private readonly bool _asRoot;
    private readonly Action<string> _log;
    private int _disposed;

    private PostgresCluster(string dataDir, int port, bool asRoot, Action<string> log)
    {
        _dataDir = dataDir;
        Port = port;
        _asRoot = asRoot;
        _log = log;
    }

    public int Port { get; }

    public string DataDir => _dataDir;

    /// <summary>The postmaster's process id, from postmaster.pid; null if the server is not running.</summary>
    public int? ProcessId =>
        File.Exists(Path.Combine(_dataDir, "postmaster.pid"))
        && int.TryParse(File.ReadLines(Path.Combine(_dataDir, "postmaster.pid")).FirstOrDefault(), out var pid)
            ? pid
            : null;

    /// <summary>A connection string to the server itself (the <c>postgres</c> maintenance database).</summary>
    public string ServerConnectionString => ConnectionString("postgres");

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
    }.ConnectionString;

    public Task EnsureDatabaseAsync(string name, CancellationToken ct = default) =>
        PostgresDatabases.EnsureAsync(ServerConnectionString, name, ct);

    public static async Task<PostgresCluster> StartAsync(string dataDir, int port = 0, Action<string>? log = null, CancellationToken ct = default)
    {
        var initdb = Path.Combine(BinDir, "initdb");
        if (!File.Exists(initdb))
        {
            throw new InvalidOperationException(
                $"initdb not found at {initdb}: install the Debian package postgresql-15.");
        }
        log ??= _ => { };
        dataDir = Path.GetFullPath(dataDir);
        var asRoot = Posix.IsRoot;
        Directory.CreateDirectory(Path.GetDirectoryName(dataDir)!);
        if (port == 0)
        {
            port = FreePort.Get();
        }
        var cluster = new PostgresCluster(dataDir, port, asRoot, log);
        if (File.Exists(Path.Combine(dataDir, "PG_VERSION")))
        {
            await HandOverAsync(dataDir, asRoot, ct);
        }
        else
        {
            await cluster.InitializeAsync(ct);
        }
        await cluster.ClearStalePostmasterAsync(ct);

        log($"Starting PostgreSQL on port {port} (data in {dataDir}).");
        try
        {
            await cluster.RunAsync("pg_ctl",
            [
                "-D", dataDir, "-l", cluster.LogFile, "-w", "-t", "60",
                "-o", $"-p {port} -k \"{dataDir}\" -c listen_addresses=127.0.0.1",
                "start",
            ], ct);
            await cluster.WaitUntilAcceptingAsync(ct);
        }
        catch
        {
            // pg_ctl may have launched the server before failing or being cancelled; never leave it behind.
            await cluster.DisposeAsync();
            throw;
        }
        log($"PostgreSQL accepts connections on port {port}.");
        return cluster;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        // Pooled connections would otherwise try the stopped server first when a later cluster reuses the port.
        NpgsqlConnection.ClearAllPools();
        var postmaster = ProcessId;
        if (postmaster is null)
        {
            return; // Never got as far as running (start-up failed or was cancelled early).
        }
        _log($"Stopping PostgreSQL on port {Port}.");
        var result = await RunPgCtlStopAsync(CancellationToken.None);
        if (!result.Succeeded)
        {
            _log($"pg_ctl stop failed ({result.ExitCode}): {result.Output}");
        }
        // pg_ctl returns once postmaster.pid is gone, a moment before the postmaster process itself has exited.
        var waited = Stopwatch.StartNew();
        while (postmaster is { } pid && Posix.IsAlive(pid) && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
        }
    }

    private string LogFile => Path.Combine(_dataDir, "postgres.log");

    private Task<CommandResult> RunPgCtlStopAsync(CancellationToken ct) =>
        RunRawAsync("pg_ctl", ["-D", _dataDir, "-m", "fast", "-w", "-t", "60", "stop"], ct);

    private async Task WaitUntilAcceptingAsync(CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ServerConnectionString);
                await connection.OpenAsync(ct);
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException && deadline.Elapsed < ConnectTimeout)
            {
                await Task.Delay(250, ct);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                throw new InvalidOperationException(
                    $"PostgreSQL on port {Port} did not accept connections within {ConnectTimeout.TotalSeconds:0} s ({e.Message})." +
                    $"{Environment.NewLine}--- log ---{Environment.NewLine}{OutputTail.OfFile(LogFile)}", e);
            }
        }
    }

    // postgres refuses to start while postmaster.pid names a live process. If that process is a postmaster
    // left running on this very data directory, stop it; if the pid now belongs to something else, the file is stale.
    private async Task ClearStalePostmasterAsync(CancellationToken ct)
    {
        var pidFile = Path.Combine(_dataDir, "postmaster.pid");
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid))
        {
            return;
        }
        var commandLine = Posix.CommandLine(pid);
        if (commandLine is not null && commandLine.Contains("postgres", StringComparison.Ordinal) && commandLine.Contains(_dataDir, StringComparison.Ordinal))
        {
            _log($"Stopping a PostgreSQL server (pid {pid}) left running on {_dataDir}.");
            var result = await RunPgCtlStopAsync(ct);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException($"Could not stop the PostgreSQL server left running on {_dataDir}: {result.Output}");
            }
        }
        else if (File.Exists(pidFile))
        {
            _log($"Removing a stale postmaster.pid (pid {pid} is not a postgres server on this data directory).");
            File.Delete(pidFile);
        }
    }

    // initdb runs in a staging directory that is renamed into place only when complete, so an interrupted
    // first start leaves nothing that looks like a cluster and the next start simply tries again.
    private async Task InitializeAsync(CancellationToken ct)
    {
        if (Directory.Exists(_dataDir))
        {
            if (Directory.EnumerateFileSystemEntries(_dataDir).Any())
            {
                throw new InvalidOperationException(
                    $"{_dataDir} is not empty but holds no PostgreSQL cluster (no PG_VERSION): delete it or choose another state directory.");
            }
            Directory.Delete(_dataDir);
        }
        var staging = _dataDir + ".initdb";
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }
        Directory.CreateDirectory(staging);
        await HandOverAsync(staging, _asRoot, ct);
        _log($"Creating a PostgreSQL cluster in {_dataDir}.");
        await RunAsync("initdb", ["-D", staging, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale"], ct);
        Directory.Move(staging, _dataDir);
    }

    private async Task RunAsync(string tool, string[] arguments, CancellationToken ct)
    {
        var result = await RunRawAsync(tool, arguments, ct);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(
                $"{tool} failed with exit code {result.ExitCode} for {_dataDir}:{Environment.NewLine}{result.Output}" +
                $"{Environment.NewLine}--- log ---{Environment.NewLine}{OutputTail.OfFile(LogFile)}");
        }
    }

    // initdb and postgres refuse to run as root, so as root they run as the postgres system user. They run in
    // the parent directory, which that user can always enter (HandOverAsync makes sure of it).
    private Task<CommandResult> RunRawAsync(string tool, string[] arguments, CancellationToken ct)
    {
        var path = Path.Combine(BinDir, tool);
        var workingDirectory = Path.GetDirectoryName(_dataDir)!;
        return _asRoot
            ? CommandRunner.RunAsync("runuser", ["-u", SystemUser, "--", path, .. arguments], CommandTimeout, workingDirectory, ct: ct)
            : CommandRunner.RunAsync(path, arguments, CommandTimeout, workingDirectory, ct: ct);
    }

    /// <summary>Gives <paramref name="dir"/> to the user the server runs as, with the 0700 mode postgres insists on.</summary>
    private static async Task HandOverAsync(string dir, bool asRoot, CancellationToken ct)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The local PostgreSQL cluster runs the Debian postgresql-15 binaries; Linux only.");
        }
        if (asRoot)
        {
            // The postgres user must reach its data directory through every parent (temp dirs are often 0700).
            for (var parent = Path.GetDirectoryName(dir); parent is not null; parent = Path.GetDirectoryName(parent))
            {
                var mode = File.GetUnixFileMode(parent);
                if (!mode.HasFlag(UnixFileMode.OtherExecute))
                {
                    File.SetUnixFileMode(parent, mode | UnixFileMode.OtherExecute);
                }
            }
            var chown = await CommandRunner.RunAsync("chown", ["-R", $"{SystemUser}:", dir], CommandTimeout, ct: ct);
            if (!chown.Succeeded)
            {
                throw new InvalidOperationException($"Could not hand {dir} to the {SystemUser} user: {chown.Output}");
            }
        }
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}

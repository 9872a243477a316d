using System.Diagnostics;

using RabbitMQ.Client;

namespace MlOps.Testing;

/// <summary>
/// A private RabbitMQ node whose whole state (mnesia, logs, plugins, feature flags, Erlang cookie) lives under
/// one directory, so several can run side by side and a restart on the same directory keeps durable queues.
/// </summary>
public sealed class RabbitMqNode : IAsyncDisposable
{
    private const string ServerPath = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    private const string SetSid = "/usr/bin/setsid";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly TaskCompletionSource _exited;
    private readonly OutputTail _output;
    private readonly Action<string> _log;
    private int _disposed;

    private RabbitMqNode(Process process, TaskCompletionSource exited, OutputTail output, Action<string> log, int port, string nodeName, string stateDir)
    {
        _process = process;
        _exited = exited;
        _output = output;
        _log = log;
        Port = port;
        NodeName = nodeName;
        StateDir = stateDir;
    }

    public int Port { get; }

    public string NodeName { get; }

    /// <summary>The rabbitmq-server process (it stops the Erlang VM under it on SIGTERM).</summary>
    public int ProcessId => _process.Id;

    public string StateDir { get; }

    /// <summary>Completes when the node's process exits, whether stopped or crashed.</summary>
    public Task Exited => _exited.Task;

    public string ConnectionString => $"amqp://guest:guest@127.0.0.1:{Port}/";

    public static async Task<RabbitMqNode> StartAsync(string stateDir, int port = 0, Action<string>? log = null, CancellationToken ct = default)
    {
        if (!File.Exists(ServerPath))
        {
            throw new InvalidOperationException(
                $"rabbitmq-server not found at {ServerPath}: install the Debian package rabbitmq-server.");
        }
        log ??= _ => { };
        stateDir = Path.GetFullPath(stateDir);
        Directory.CreateDirectory(stateDir);
        var mnesiaBase = Path.Combine(stateDir, "mnesia");
        await StopStaleNodesAsync(mnesiaBase, log);

        if (port == 0)
        {
            port = FreePort.Get();
        }
        var distributionPort = FreePort.GetExcept([port]);
        var nodeName = ReadOrCreateNodeName(stateDir);
        var plugins = Path.Combine(stateDir, "enabled_plugins");
        if (!File.Exists(plugins))
        {
            File.WriteAllText(plugins, "[].");
        }
        var envFile = Path.Combine(stateDir, "rabbitmq-env.conf");
        if (!File.Exists(envFile))
        {
            // An empty env file of our own, so /etc/rabbitmq/rabbitmq-env.conf cannot rename or move the node.
            File.WriteAllText(envFile, "");
        }

        // A session of its own keeps a Ctrl+C in the terminal from stopping the node before the services that use it.
        var setsid = File.Exists(SetSid);
        var info = new ProcessStartInfo(setsid ? SetSid : ServerPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = stateDir,
        };
        var environment = new Dictionary<string, string>
        {
            ["RABBITMQ_NODENAME"] = nodeName,
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = port.ToString(),
            ["RABBITMQ_DIST_PORT"] = distributionPort.ToString(),
            ["RABBITMQ_MNESIA_BASE"] = mnesiaBase,
            ["RABBITMQ_LOG_BASE"] = Path.Combine(stateDir, "log"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = plugins,
            ["RABBITMQ_FEATURE_FLAGS_FILE"] = Path.Combine(stateDir, "feature_flags"),
            ["RABBITMQ_CONF_ENV_FILE"] = envFile,
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(stateDir, "rabbitmq"),
            ["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(stateDir, "advanced.config"),
            ["RABBITMQ_PID_FILE"] = Path.Combine(stateDir, "rabbitmq.pid"),
            // The Erlang cookie is written to $HOME; a private HOME keeps it away from other nodes and users.
            ["HOME"] = stateDir,
        };
        if (setsid)
        {
            info.ArgumentList.Add(ServerPath);
        }
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var output = new OutputTail();
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.Exited += (_, _) => exited.TrySetResult();
        DataReceivedEventHandler forward = (_, e) =>
        {
            if (e.Data is { } line)
            {
                output.Add(line);
                log(line);
            }
        };
        process.OutputDataReceived += forward;
        process.ErrorDataReceived += forward;
        log($"Starting RabbitMQ node {nodeName} on port {port} (state in {stateDir}).");
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {ServerPath}.");
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var node = new RabbitMqNode(process, exited, output, log, port, nodeName, stateDir);
        try
        {
            await node.WaitUntilAcceptingAsync(ct);
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
        log($"RabbitMQ node {nodeName} accepts connections on port {port}.");
        return node;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        if (!_exited.Task.IsCompleted)
        {
            _log($"Stopping RabbitMQ node {NodeName}.");
            // RabbitMQ treats SIGTERM as an orderly shutdown, which flushes its message store.
            Posix.Terminate(_process.Id);
            if (await Task.WhenAny(_exited.Task, Task.Delay(StopTimeout)) != _exited.Task)
            {
                _log($"RabbitMQ node {NodeName} did not stop within {StopTimeout.TotalSeconds:0} s; killing it.");
                _process.Kill(entireProcessTree: true);
                await _exited.Task.WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        _process.Dispose();
    }

    private async Task WaitUntilAcceptingAsync(CancellationToken ct)
    {
        var factory = new ConnectionFactory
        {
            Uri = new Uri(ConnectionString),
            RequestedConnectionTimeout = TimeSpan.FromSeconds(2),
            AutomaticRecoveryEnabled = false,
        };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (_exited.Task.IsCompleted)
            {
                throw Failure($"exited with code {_process.ExitCode} before accepting connections");
            }
            try
            {
                await using var connection = await factory.CreateConnectionAsync(ct);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                if (deadline.Elapsed > StartTimeout)
                {
                    throw Failure($"did not accept AMQP connections within {StartTimeout.TotalSeconds:0} s ({e.Message})");
                }
            }
            await Task.WhenAny(_exited.Task, Task.Delay(TimeSpan.FromMilliseconds(500), ct));
        }
    }

    private InvalidOperationException Failure(string what)
    {
        var logFile = OutputTail.OfFile(Path.Combine(StateDir, "log", $"{NodeName}.log"));
        return new InvalidOperationException(
            $"RabbitMQ node {NodeName} on port {Port} {what}.{Environment.NewLine}" +
            $"--- output ---{Environment.NewLine}{_output}{Environment.NewLine}" +
            $"--- log ---{Environment.NewLine}{logFile}");
    }

    // Mnesia keeps its data per node name, so the name must stay the same across restarts on one state dir,
    // yet differ between state dirs so nodes started side by side do not clash.
    private static string ReadOrCreateNodeName(string stateDir)
    {
        var file = Path.Combine(stateDir, "node-name");
        if (File.Exists(file) && File.ReadAllText(file).Trim() is { Length: > 0 } existing)
        {
            return existing;
        }
        var name = $"mlops-{Guid.NewGuid().ToString("N")[..10]}@localhost";
        File.WriteAllText(file, name);
        return name;
    }

    // A node left behind by a process that died holds the state dir's node name; a new node could not start
    // until it is gone. Only processes started for this very mnesia directory are touched.
    private static async Task StopStaleNodesAsync(string mnesiaBase, Action<string> log)
    {
        var marker = $"RABBITMQ_MNESIA_BASE={mnesiaBase}\n";
        var stale = Posix.ProcessIds()
            .Where(pid => pid != Environment.ProcessId && (Posix.EnvironmentOf(pid)?.Contains(marker) ?? false))
            .Where(pid => Posix.CommandLine(pid)?.Contains("beam", StringComparison.Ordinal) ?? false)
            .ToList();
        foreach (var pid in stale)
        {
            log($"Stopping a stale RabbitMQ node (pid {pid}) left running on {mnesiaBase}.");
            Posix.Terminate(pid);
        }
        var deadline = Stopwatch.StartNew();
        while (stale.Any(Posix.IsAlive) && deadline.Elapsed < StopTimeout)
        {
            await Task.Delay(200);
        }
        foreach (var pid in stale.Where(Posix.IsAlive))
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }
    }
}

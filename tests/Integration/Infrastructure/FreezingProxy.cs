using System.Net;
using System.Net.Sockets;

namespace MlOps.Tests.Integration.Infrastructure;

/// <summary>
/// A TCP relay in front of a server that can go silent: while frozen it keeps every connection open but passes no byte
/// either way, as a network that black-holes packets does. A client then sees neither an answer nor a reset.
/// </summary>
public sealed class FreezingProxy : IAsyncDisposable
{
    readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    readonly string _host;
    readonly int _port;
    readonly CancellationTokenSource _stop = new();
    readonly List<TcpClient> _connections = [];
    volatile TaskCompletionSource _thawed = Thawed();

    FreezingProxy(string host, int port)
    {
        _host = host;
        _port = port;
        _listener.Start();
        _ = AcceptAsync();
    }

    /// <summary>A proxy to the server of an amqp:// URI, and the same URI pointed at the proxy.</summary>
    public static (FreezingProxy Proxy, string ConnectionString) ForAmqp(string connectionString)
    {
        var uri = new Uri(connectionString);
        var proxy = new FreezingProxy(uri.Host, uri.IsDefaultPort || uri.Port <= 0 ? 5672 : uri.Port);
        var through = new UriBuilder(uri) { Host = "127.0.0.1", Port = proxy.Port }.Uri.ToString();
        return (proxy, through);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Stops passing bytes; connections stay open.</summary>
    public void Freeze()
    {
        if (_thawed.Task.IsCompleted)
            _thawed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Passes bytes again, the held ones first.</summary>
    public void Thaw() => _thawed.TrySetResult();

    static TaskCompletionSource Thawed()
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        tcs.SetResult();
        return tcs;
    }

    async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
            var upstream = new TcpClient();
            try { await upstream.ConnectAsync(_host, _port, _stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
                client.Dispose();
                upstream.Dispose();
                continue;
            }
            lock (_connections)
                _connections.AddRange([client, upstream]);
            _ = PumpAsync(client, upstream);
            _ = PumpAsync(upstream, client);
        }
    }

    async Task PumpAsync(TcpClient from, TcpClient to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            var source = from.GetStream();
            var target = to.GetStream();
            while (true)
            {
                var read = await source.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                    break;
                await _thawed.Task.WaitAsync(_stop.Token);
                await target.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException) { }
        from.Dispose();
        to.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_connections)
            foreach (var c in _connections)
                c.Dispose();
        _stop.Dispose();
        return ValueTask.CompletedTask;
    }
}

using System.Net;
using System.Net.Sockets;

namespace MlOps.AppHost.Resources;

/// <summary>Free TCP ports on 127.0.0.1 for the servers and services of a composition (also linked into the test helpers).</summary>
static class LoopbackPorts
{
    /// <summary>
    /// A port free on the loopback interface now, and outside the kernel's ephemeral range. A port the OS hands out for
    /// "any port" is one it hands out again: to another program's listener, or as the local end of an outgoing
    /// connection. Between this pick and the server's bind, or while a server is stopped from the dashboard and started
    /// again, such a port can be taken and the server then fails to start ("address already in use"). Ports below the
    /// ephemeral range are never given out that way.
    /// </summary>
    public static int Free()
    {
        for (var attempt = 0; attempt < 200 && Band.To - Band.From > 100; attempt++)
        {
            var port = Random.Shared.Next(Band.From, Band.To);
            if (IsFree(port))
                return port;
        }
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Above the well-known ports of common servers (PostgreSQL's 5432, RabbitMQ's 5672, the platform's 5101-5106).</summary>
    const int Lowest = 10000;

    // The band to pick from: below the ephemeral range, or above it where too little lies below (read once per process).
    static readonly (int From, int To) Band = EphemeralRange() is var (low, high) && low > Lowest + 1000 ? (Lowest, low) : (high + 1, 65536);

    /// <summary>The ports the kernel gives out for "any port" (Linux: net.ipv4.ip_local_port_range; elsewhere IANA's 49152-65535).</summary>
    static (int Low, int High) EphemeralRange()
    {
        try
        {
            if (File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries) is [var low, var high]
                && int.TryParse(low, out var l) && int.TryParse(high, out var h))
                return (l, h);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return (49152, 65535);
    }

    static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

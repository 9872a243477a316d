using System.Net;
using System.Net.Sockets;

namespace MlOps.Testing;

public static class FreePort
{
    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it, so parallel callers rarely collide).</summary>
    public static int Get()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>A free port different from every port in <paramref name="taken"/>.</summary>
    public static int GetExcept(ICollection<int> taken)
    {
        while (true)
        {
            var port = Get();
            if (!taken.Contains(port))
            {
                return port;
            }
        }
    }
}

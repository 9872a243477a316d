using System.Net;
using System.Net.Sockets;

using MlOps.AppHost.Infrastructure;

namespace MlOps.AppHost.Orchestration;

/// <summary>The ports every resource listens on, settled once at start-up.</summary>
public sealed record PortPlan(IReadOnlyDictionary<string, int> Services, int Dashboard, int Otlp, int RabbitMq, int Postgres)
{
    public static PortPlan From(AppHostOptions options)
    {
        var ports = options.Ports;
        var taken = new HashSet<int>();
        int Pick(int? configured, int fallback)
        {
            var port = configured ?? (options.FreePorts ? 0 : fallback);
            port = port == 0 ? FreePort.GetExcept(taken) : port;
            taken.Add(port);
            return port;
        }

        var services = ServiceCatalog.Services.ToDictionary(
            s => s.Name, s => Pick(ports.ForService(s.Name), s.DefaultPort));
        return new PortPlan(
            services,
            Pick(ports.Dashboard, ServiceCatalog.DefaultDashboardPort),
            Pick(ports.Otlp, ServiceCatalog.DefaultOtlpPort),
            // Infrastructure defaults to free ports so a developer's own RabbitMQ or PostgreSQL never clashes.
            Pick(ports.RabbitMq, 0),
            Pick(ports.Postgres, 0));
    }

    /// <summary>
    /// Fails before anything starts when a port is taken, because a service that cannot bind would only
    /// crash and be restarted over and over.
    /// </summary>
    public void EnsureAvailable()
    {
        var busy = Services.Select(s => (Name: s.Key, Port: s.Value))
            .Append((Name: "dashboard", Port: Dashboard))
            .Append((Name: "otlp", Port: Otlp))
            .Where(p => !IsFree(p.Port))
            .ToList();
        if (busy.Count > 0)
        {
            var list = string.Join(", ", busy.Select(b => $"{b.Name} {b.Port}"));
            throw new InvalidOperationException(
                $"Ports already in use: {list}. Stop whatever listens there, set AppHost:Ports:<Resource>, " +
                "or run with --AppHost:FreePorts true.");
        }
    }

    private static bool IsFree(int port)
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

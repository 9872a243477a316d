using System.Net;
using System.Net.Sockets;
using MlOps.AppHost.Resources;

namespace MlOps.Tests.AppHost;

/// <summary>
/// The ports the composition picks for RabbitMQ, PostgreSQL and the services with <c>AppHost:FreePorts</c>: never one the
/// kernel can give to an outgoing connection or to another program asking for any port, so a server stopped and started
/// again (or started a moment after the pick) finds its port still free.
/// </summary>
public sealed class LoopbackPortsTests
{
    [Fact]
    public void Free_ports_lie_outside_the_kernels_ephemeral_range_and_can_be_bound()
    {
        var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
        var ports = Enumerable.Range(0, 50).Select(_ => LoopbackPorts.Free()).ToList();

        Assert.All(ports, port => Assert.True(port < range[0] || port > range[1], $"{port} is in the ephemeral range {range[0]}-{range[1]}"));
        Assert.All(ports, port => Assert.True(port >= 10000, $"{port} is among the well-known servers' ports"));
        Assert.True(ports.Distinct().Count() > 40, "the picks are not spread over the range");
        foreach (var port in ports.Take(5))
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
        }
    }

    [Fact]
    public void A_port_in_use_is_never_picked()
    {
        // Hold every port of a small window and check no pick lands in it: the picker tries the port before it answers.
        var held = new List<TcpListener>();
        try
        {
            var first = LoopbackPorts.Free();
            for (var port = first; port < first + 200; port++)
            {
                var listener = new TcpListener(IPAddress.Loopback, port);
                try
                {
                    listener.Start();
                    held.Add(listener);
                }
                catch (SocketException)
                {
                    listener.Dispose();
                }
            }
            var heldPorts = held.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToHashSet();
            for (var i = 0; i < 2000; i++)
                Assert.DoesNotContain(LoopbackPorts.Free(), heldPorts);
        }
        finally
        {
            held.ForEach(l => l.Stop());
        }
    }
}

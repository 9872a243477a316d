using System.Net;
using System.Net.Sockets;

using MlOps.AppHost;
using MlOps.AppHost.Orchestration;

namespace MlOps.Tests.AppHost;

public sealed class PortPlanTests
{
    [Fact]
    public void Uses_the_documented_default_ports_unless_told_otherwise()
    {
        var plan = PortPlan.From(new AppHostOptions());

        Assert.Equal([5101, 5102, 5103, 5104, 5105, 5106], ServiceCatalog.Services.Select(s => plan.Services[s.Name]));
        Assert.Equal(18888, plan.Dashboard);
        Assert.Equal(4318, plan.Otlp);
    }

    [Fact]
    public void Picks_distinct_free_ports_for_everything_not_set_when_FreePorts_is_on()
    {
        var plan = PortPlan.From(new AppHostOptions { FreePorts = true, Ports = { Serving = 6105 } });

        var all = plan.Services.Values.Concat([plan.Dashboard, plan.Otlp, plan.RabbitMq, plan.Postgres]).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.Equal(6105, plan.Services["serving"]);
        Assert.DoesNotContain(5101, all);
    }

    [Fact]
    public void Refuses_to_start_when_a_port_is_taken_and_names_the_setting_to_change()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var taken = ((IPEndPoint)listener.LocalEndpoint).Port;
        var plan = PortPlan.From(new AppHostOptions { FreePorts = true, Ports = { Registry = taken } });

        var error = Assert.Throws<InvalidOperationException>(plan.EnsureAvailable);

        Assert.Contains($"registry {taken}", error.Message);
        Assert.Contains("AppHost:Ports:", error.Message);
    }
}

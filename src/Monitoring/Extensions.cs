using MlOps.Monitoring.Data;
using MlOps.ServiceDefaults;

namespace MlOps.Monitoring;

public static class Extensions
{
    public static IHostApplicationBuilder AddMonitoring(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<MonitoringDbContext>("monitoringdb");
        builder.AddEventBus<MonitoringDbContext>();
        return builder;
    }
}

using MlOps.Registry.Data;
using MlOps.ServiceDefaults;

namespace MlOps.Registry;

public static class Extensions
{
    public static IHostApplicationBuilder AddRegistry(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<RegistryDbContext>("registrydb");
        builder.AddEventBus<RegistryDbContext>();
        return builder;
    }
}

using MlOps.Serving.Data;
using MlOps.ServiceDefaults;

namespace MlOps.Serving;

public static class Extensions
{
    public static IHostApplicationBuilder AddServing(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<ServingDbContext>("servingdb");
        builder.AddEventBus<ServingDbContext>();
        return builder;
    }
}

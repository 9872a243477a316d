using MassTransit;
using MlOps.Registry.Consumers;
using MlOps.Registry.Data;
using MlOps.Registry.Gate;
using MlOps.ServiceDefaults;

namespace MlOps.Registry;

public static class Extensions
{
    public static IHostApplicationBuilder AddRegistry(this IHostApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("blobs")))
            throw new InvalidOperationException("Missing connection string 'blobs': the Registry serves artifacts and scores champions from there. Set ConnectionStrings__blobs.");
        builder.AddServiceDatabase<RegistryDbContext>("registrydb");
        builder.AddEventBus<RegistryDbContext>(x => x.AddConsumer<RegisterModelConsumer>(typeof(RegisterModelConsumerDefinition)));
        builder.Services.AddScoped<ChampionScorer>();
        builder.Services.AddScoped<PromotionGate>();
        return builder;
    }
}

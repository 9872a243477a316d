using Microsoft.Extensions.Options;
using MlOps.Serving.Consumers;
using MlOps.Serving.Data;
using MlOps.Serving.Logging;
using MlOps.Serving.Models;
using MlOps.ServiceDefaults;

namespace MlOps.Serving;

public static class Extensions
{
    public static IHostApplicationBuilder AddServing(this IHostApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("blobs")))
            throw new InvalidOperationException("Missing connection string 'blobs': Serving loads artifacts from there and writes prediction logs to it. Set ConnectionStrings__blobs.");
        builder.Services.AddOptions<ServingOptions>().BindConfiguration(ServingOptions.Section);
        builder.AddServiceDatabase<ServingDbContext>("servingdb");
        builder.AddEventBus<ServingDbContext>(x =>
        {
            x.AddConsumer<SwapChampionConsumer>(typeof(SwapChampionConsumerDefinition));
            x.AddConsumer<TrackCandidateConsumer>(typeof(TrackCandidateConsumerDefinition));
            x.AddConsumer<ApplyServingPolicyConsumer>(typeof(ApplyServingPolicyConsumerDefinition));
        });
        builder.Services.AddSingleton<ModelLoader>();
        builder.Services.AddSingleton<ServedModels>();
        builder.Services.AddSingleton<PredictionLogQueue>();
        // Hosted services start in registration order, after the database's: champions are loaded from a migrated
        // servingdb before the web server takes requests. They stop in reverse order, after the web server has finished
        // its requests: the log writer flushes while the bus and its outbox dispatcher still run.
        builder.Services.AddSingleton<ChampionSync>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ChampionSync>());
        builder.Services.AddHostedService<PredictionLogWriter>();
        builder.Services.AddHostedService<LogRetention>();
        return builder;
    }

    /// <summary>Fails at start-up, naming the setting, when an option is out of range.</summary>
    public static void ValidateServingOptions(this IServiceProvider services) =>
        services.GetRequiredService<IOptions<ServingOptions>>().Value.Validate();
}

using MassTransit;
using MlOps.Ingestion.Consumers;
using MlOps.Ingestion.Data;
using MlOps.ServiceDefaults;

namespace MlOps.Ingestion;

public static class Extensions
{
    public static IHostApplicationBuilder AddIngestion(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<IngestionOptions>().BindConfiguration(IngestionOptions.Section);
        builder.Services.AddOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>()
            .Configure<Microsoft.Extensions.Options.IOptions<IngestionOptions>>((kestrel, ingestion) => kestrel.Limits.MaxRequestBodySize = ingestion.Value.MaxBodyBytes);
        builder.AddServiceDatabase<IngestionDbContext>("ingestiondb");
        builder.AddEventBus<IngestionDbContext>(x =>
        {
            x.AddConsumer<RecordValidationResultConsumer, RecordValidationResultConsumerDefinition>();
            x.AddConsumer<SubmitBatchConsumer, SubmitBatchConsumerDefinition>();
        });
        builder.Services.AddScoped<BatchReceiver>();
        return builder;
    }
}

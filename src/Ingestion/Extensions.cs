using MlOps.Ingestion.Consumers;
using MlOps.Ingestion.Data;
using MlOps.ServiceDefaults;

namespace MlOps.Ingestion;

public static class Extensions
{
    public static IHostApplicationBuilder AddIngestion(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<IngestionOptions>().BindConfiguration(IngestionOptions.Section);
        var maxBody = builder.Configuration.GetValue<long?>($"{IngestionOptions.Section}:{nameof(IngestionOptions.MaxBodyBytes)}") ?? new IngestionOptions().MaxBodyBytes;
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = maxBody);
        builder.AddServiceDatabase<IngestionDbContext>("ingestiondb");
        builder.AddEventBus<IngestionDbContext>(x =>
        {
            x.AddConsumer<RecordValidationResultConsumer>();
            x.AddConsumer<SubmitBatchConsumer>();
        });
        builder.Services.AddScoped<BatchReceiver>();
        return builder;
    }
}

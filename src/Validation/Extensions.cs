using MassTransit;
using MlOps.ServiceDefaults;
using MlOps.ServiceDefaults.Batches;
using MlOps.Tabular;
using MlOps.Validation.Consumers;
using MlOps.Validation.Data;

namespace MlOps.Validation;

public static class Extensions
{
    public static IHostApplicationBuilder AddValidation(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<ValidationDbContext>("validationdb");
        builder.AddEventBus<ValidationDbContext>(x => x.AddConsumer<ValidateBatchConsumer, ValidateBatchConsumerDefinition>());
        builder.Services.AddSingleton(new TabularLimits());
        builder.Services.AddScoped<BatchValidator>();
        return builder;
    }
}

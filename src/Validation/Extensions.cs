using MlOps.ServiceDefaults;
using MlOps.Validation.Consumers;
using MlOps.Validation.Data;

namespace MlOps.Validation;

public static class Extensions
{
    public static IHostApplicationBuilder AddValidation(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<ValidationDbContext>("validationdb");
        builder.AddEventBus<ValidationDbContext>(x => x.AddConsumer<ValidateBatchConsumer>());
        return builder;
    }
}

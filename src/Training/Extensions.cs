using MlOps.Training.Data;
using MlOps.ServiceDefaults;

namespace MlOps.Training;

public static class Extensions
{
    public static IHostApplicationBuilder AddTraining(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<TrainingDbContext>("trainingdb");
        builder.AddEventBus<TrainingDbContext>();
        return builder;
    }
}

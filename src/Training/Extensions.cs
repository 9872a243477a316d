using MassTransit;
using MlOps.ServiceDefaults;
using MlOps.Training.Consumers;
using MlOps.Training.Data;
using MlOps.Training.Runs;

namespace MlOps.Training;

public static class Extensions
{
    public static IHostApplicationBuilder AddTraining(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TrainingOptions>().BindConfiguration(TrainingOptions.Section);
        builder.AddServiceDatabase<TrainingDbContext>("trainingdb");
        builder.AddEventBus<TrainingDbContext>(x =>
        {
            x.AddConsumer<TrainOnNewDataConsumer>(typeof(TrainOnNewDataConsumerDefinition));
            x.AddConsumer<RetrainOnDriftConsumer>(typeof(RetrainOnDriftConsumerDefinition));
        });
        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("blobs")))
            throw new InvalidOperationException("Missing connection string 'blobs': Training reads dataset batches and writes artifacts there. Set ConnectionStrings__blobs.");
        builder.Services.AddSingleton<RunSignal>();
        builder.Services.AddSingleton<RunExecutor>();
        // Registered after the database: hosted services start in order, so the schema exists when the worker starts.
        builder.Services.AddHostedService<TrainingWorker>();
        return builder;
    }
}

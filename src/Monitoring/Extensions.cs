using MassTransit;
using MlOps.Monitoring.Alerts;
using MlOps.Monitoring.Consumers;
using MlOps.Monitoring.Data;
using MlOps.Monitoring.Windows;
using MlOps.ServiceDefaults;

namespace MlOps.Monitoring;

public static class Extensions
{
    public static IHostApplicationBuilder AddMonitoring(this IHostApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("blobs")))
            throw new InvalidOperationException("Missing connection string 'blobs': Monitoring reads the prediction logs from there. Set ConnectionStrings__blobs.");
        builder.Services.AddOptions<MonitoringOptions>().BindConfiguration("Monitoring")
            .Validate(o => o.DriftTest is "auto" or "psi", "Monitoring:DriftTest must be auto or psi")
            .Validate(o => o.Alerts.MaxAttempts >= 1, "Monitoring:Alerts:MaxAttempts must be at least 1")
            .ValidateOnStart();
        builder.AddServiceDatabase<MonitoringDbContext>("monitoringdb");
        builder.AddEventBus<MonitoringDbContext>(x =>
        {
            x.AddConsumer<RecordDriftPolicyConsumer>(typeof(RecordDriftPolicyConsumerDefinition));
            x.AddConsumer<RecordReferenceConsumer>(typeof(RecordReferenceConsumerDefinition));
            x.AddConsumer<FollowChampionConsumer>(typeof(FollowChampionConsumerDefinition));
            x.AddConsumer<AlertTrainingFailedConsumer>(typeof(AlertTrainingFailedConsumerDefinition));
            x.AddConsumer<MonitorPredictionsConsumer>(typeof(MonitorPredictionsConsumerDefinition));
            x.AddConsumer<JoinFeedbackConsumer>(typeof(JoinFeedbackConsumerDefinition));
        });
        builder.Services.AddScoped<WindowCloser>();
        builder.Services.AddScoped<PredictionStore>();
        builder.Services.AddHostedService<AlertSender>();
        return builder;
    }
}

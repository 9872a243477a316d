using Microsoft.Extensions.DependencyInjection;
using MlOps.AppHost;
using MlOps.AppHost.Models;
using MlOps.AppHost.Resources;

// The whole platform on one machine: RabbitMQ, PostgreSQL (a database per service and the blob store) and the six
// services, each waiting for what it uses; the Aspire dashboard on http://127.0.0.1:18888 is the ops window.
var builder = DistributedApplication.CreateBuilder(PlatformSettings.WithDashboardDefaults(args));
var settings = PlatformSettings.From(builder);

var (messaging, postgres) = builder.AddServers(settings);
// One API key for the platform's write endpoints, as a secret parameter (masked in the dashboard).
var key = settings.ApiKey(builder.Configuration);
var apiKey = builder.AddParameter("api-key", key, secret: true);
var blobs = postgres.Database("blobs");
// The ML on the dashboard: models under Registry, ops commands, pipelines applied from files, the demo (Models/).
var ops = builder.AddOpsConsole(settings, key, apiKey);

// A service runs as AppHost:Replicas processes (docs/scale-out.md): replicas share its database and its queues
// (competing consumers); the ops console talks to the first, whose admin API answers for the shared queues.
void Service<TProject>(string name, int defaultPort) where TProject : IProjectMetadata, new()
{
    var database = postgres.Database($"{name}db");
    IResourceBuilder<ExecutableResource>? first = null;
    foreach (var (instance, port) in settings.Instances(name, defaultPort))
    {
        // WaitFor(messaging) although a service would hold its bus start until the broker listens (ServiceDefaults'
        // BrokerWait): started beside RabbitMQ, six services' start-up slowed its boot from about 10 s to 23 s on 2 cores.
        var service = builder.AddService<TProject>(instance, port)
            .WithReference(messaging).WaitFor(messaging)
            .WithReference(database).WaitFor(database)
            .WithReference(blobs).WaitFor(blobs)
            .WithEnvironment("Security__ApiKey", apiKey)
            .WithRestartOnFailure();
        if (first is null)
            ops.Service(name, port, first = service);
        else
            service.WithParentRelationship(first);
    }
}

Service<Projects.Ingestion>("ingestion", 5101);
Service<Projects.Validation>("validation", 5102);
Service<Projects.Training>("training", 5103);
Service<Projects.Registry>("registry", 5104);
Service<Projects.Serving>("serving", 5105);
Service<Projects.Monitoring>("monitoring", 5106);

ops.Build();
builder.AddBackgroundWatchers();
var app = builder.Build();
Console.WriteLine("The platform's API key (send it as X-Api-Key or Authorization: Bearer; the mlops CLI reads it from the environment):");
Console.WriteLine($"MLOPS_API_KEY={key}");
app.Run();

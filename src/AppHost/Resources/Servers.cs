using Aspire.Hosting.ApplicationModel;
using Npgsql;

namespace MlOps.AppHost.Resources;

/// <summary>The platform's RabbitMQ and PostgreSQL: private servers run from the installed packages, or servers that already run.</summary>
public sealed class PlatformServers(IResourceBuilder<IResourceWithConnectionString> messaging, Func<string, IResourceBuilder<IResourceWithConnectionString>> database)
{
    public IResourceBuilder<IResourceWithConnectionString> Messaging { get; } = messaging;

    public IResourceBuilder<IResourceWithConnectionString> Database(string name) => database(name);

    public void Deconstruct(out IResourceBuilder<IResourceWithConnectionString> messaging, out PlatformServers postgres) =>
        (messaging, postgres) = (Messaging, this);
}

public static class ServerExtensions
{
    /// <summary>
    /// <c>messaging</c> and <c>postgres</c>: with <c>ConnectionStrings__messaging</c> / <c>ConnectionStrings__postgres</c>
    /// set, those servers are used (the databases are created on that PostgreSQL at start); with
    /// <c>AppHost:Containers=true</c>, Aspire's RabbitMQ and PostgreSQL container resources with data volumes; otherwise
    /// private servers are started as executable resources, restarted when they exit unexpectedly.
    /// </summary>
    public static PlatformServers AddServers(this IDistributedApplicationBuilder builder, PlatformSettings settings)
    {
        if (settings.Containers && settings.Messaging is null && settings.Postgres is null)
        {
            // Aspire's own integrations: generated credentials as parameters, health checks, and a database per
            // AddDatabase created by the integration once the server is up. Containers restart under the runtime.
            var rabbit = builder.AddRabbitMQ("messaging", port: settings.ServerPort("RabbitMq")).WithDataVolume("mlops-rabbitmq");
            var server = builder.AddPostgres("postgres", port: settings.ServerPort("Postgres")).WithDataVolume("mlops-postgres");
            var created = new Dictionary<string, IResourceBuilder<IResourceWithConnectionString>>();
            return new PlatformServers(rabbit, name =>
            {
                if (!created.TryGetValue(name, out var database))
                {
                    created[name] = database = server.AddDatabase(name);
                }
                return database;
            });
        }

        IResourceBuilder<IResourceWithConnectionString> messaging = settings.Messaging is not null
            ? builder.AddConnectionString("messaging")
            : builder.AddRabbitMqServer("messaging", settings.StateDir, settings.ServerPort("RabbitMq")).WithRestartOnFailure();

        if (settings.Postgres is { } external)
        {
            var names = new List<string>();
            builder.Eventing.Subscribe<BeforeStartEvent>(async (_, ct) => await PostgresServerExtensions.EnsureDatabasesAsync(external, names, ct));
            return new PlatformServers(messaging, name =>
            {
                names.Add(name);
                var cs = new NpgsqlConnectionStringBuilder(external) { Database = name }.ConnectionString;
                return builder.AddConnectionString(name, ReferenceExpression.Create($"{cs}"));
            });
        }

        var postgres = builder.AddPostgresServer("postgres", settings.StateDir, settings.ServerPort("Postgres")).WithRestartOnFailure();
        var databases = new Dictionary<string, IResourceBuilder<IResourceWithConnectionString>>();
        return new PlatformServers(messaging, name =>
        {
            if (!databases.TryGetValue(name, out var database))
            {
                databases[name] = database = postgres.AddDatabase(name);
            }
            return database;
        });
    }
}

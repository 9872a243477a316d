using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace MlOps.ServiceDefaults.Blobs;

public static class BlobStoreExtensions
{
    public const string ConnectionName = "blobs";

    /// <summary>Registers the shared blob store when <c>ConnectionStrings__blobs</c> is set, and creates its tables at start-up.</summary>
    public static IHostApplicationBuilder AddBlobStore(this IHostApplicationBuilder builder)
    {
        var cs = builder.Configuration.GetConnectionString(ConnectionName);
        if (string.IsNullOrWhiteSpace(cs))
            return builder;
        var dataSource = NpgsqlDataSource.Create(cs);
        builder.Services.AddSingleton(new BlobDataSource(dataSource));
        builder.Services.AddSingleton<IBlobStore>(new PostgresBlobStore(dataSource));
        builder.Services.AddHostedService<BlobSchemaInitializer>();
        builder.Services.AddHealthChecks().AddAsyncCheck("blobs", async ct =>
        {
            await using var cmd = dataSource.CreateCommand("SELECT 1");
            await cmd.ExecuteScalarAsync(ct);
            return HealthCheckResult.Healthy();
        });
        return builder;
    }
}

/// <summary>The blob database's connection pool, kept apart from the service's own database.</summary>
public sealed record BlobDataSource(NpgsqlDataSource DataSource);

sealed class BlobSchemaInitializer(BlobDataSource blobs) : IHostedService
{
    public Task StartAsync(CancellationToken ct) =>
        Retry.UntilConnectedAsync(() => PostgresBlobStore.EnsureSchemaAsync(blobs.DataSource, ct), ct);

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}

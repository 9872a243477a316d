using Microsoft.EntityFrameworkCore;
using MlOps.Registry.Data;
using MlOps.ServiceDefaults.Outbox;
using MlOps.Tests.Integration.Infrastructure;
using MlOps.Training.Data;

namespace MlOps.Tests.Integration.Loop;

/// <summary>The services' migrations build, on an empty database, every table and column their model reads.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class MigrationTests(InfrastructureFixture infra)
{
    [Fact]
    public async Task Training_s_migrations_create_the_schema_its_model_reads()
    {
        await using var db = new TrainingDbContext(new DbContextOptionsBuilder<TrainingDbContext>().UseNpgsql(await infra.CreateDatabaseAsync("trainingmig")).Options);
        await db.Database.MigrateAsync();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(0, await db.Pipelines.CountAsync());
        Assert.Empty(await db.PipelineVersions.ToListAsync());
        Assert.Empty(await db.Datasets.ToListAsync());
        Assert.Empty(await db.Runs.ToListAsync());
        Assert.Empty(await db.Set<OutboxMessage>().ToListAsync());
        Assert.Empty(await db.Set<InboxMessage>().ToListAsync());
    }

    [Fact]
    public async Task Registry_s_migrations_create_the_schema_its_model_reads()
    {
        await using var db = new RegistryDbContext(new DbContextOptionsBuilder<RegistryDbContext>().UseNpgsql(await infra.CreateDatabaseAsync("registrymig")).Options);
        await db.Database.MigrateAsync();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Empty(await db.Models.ToListAsync());
        Assert.Empty(await db.Versions.ToListAsync());
        Assert.Empty(await db.Audit.ToListAsync());
        Assert.Empty(await db.Set<OutboxMessage>().ToListAsync());

        // Audit entries and versions are written once: the database refuses to change them.
        db.Audit.Add(new AuditEntry { Model = "m", Who = "gate", Action = "gate", ToVersion = 1, Reason = "first version", At = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
        var update = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => db.Database.ExecuteSqlRawAsync("UPDATE audit_log SET \"Reason\" = 'rewritten'"));
        Assert.Contains("append-only", update.MessageText);
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => db.Database.ExecuteSqlRawAsync("DELETE FROM audit_log"));
        Assert.Equal(1, await db.Database.SqlQueryRaw<int>("SELECT count(*)::int AS \"Value\" FROM pg_trigger WHERE tgname = 'model_versions_immutable'").SingleAsync());
    }
}

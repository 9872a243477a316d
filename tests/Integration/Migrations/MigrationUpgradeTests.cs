using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using MlOps.Contracts;
using MlOps.Ingestion.Data;
using MlOps.Tests.Integration.DataPlane;
using MlOps.Tests.Integration.Infrastructure;
using Npgsql;

namespace MlOps.Tests.Integration.Migrations;

[Collection(InfrastructureCollection.Name)]
public sealed class MigrationUpgradeTests(InfrastructureFixture infra)
{
    [Fact]
    public async Task Ingestion_started_on_a_database_of_its_previous_migration_upgrades_it_and_keeps_its_data()
    {
        var database = await infra.CreateDatabaseAsync("ingestion_upgrade");
        await using (var old = new IngestionDbContext(new DbContextOptionsBuilder<IngestionDbContext>().UseNpgsql(database).Options))
        {
            var migrations = old.Database.GetMigrations().ToList();
            Assert.True(migrations.Count >= 2, "expected an initial migration and at least one after it");
            await old.GetService<IMigrator>().MigrateAsync(migrations[^2]);
        }
        // Data as the previous schema held it: a validated batch and the version it made, without per-batch rows.
        var dataset = "upgrade-" + Guid.NewGuid().ToString("N")[..8];
        const string oldHash = "sha256:0000000000000000000000000000000000000000000000000000000000000001";
        await using (var conn = new NpgsqlConnection(database))
        {
            await conn.OpenAsync();
            await using var batchRow = new NpgsqlCommand("""
                INSERT INTO batches ("Id", "Dataset", "ContentHash", "Format", "Bytes", "Rows", "Columns", "Status", "Anomalies", "Source", "CorrelationId", "ReceivedAt")
                VALUES (gen_random_uuid(), $1, $2, 'csv', 10, 7, '[]', 'validated', '[]', 'http', gen_random_uuid(), now())
                """, conn);
            batchRow.Parameters.AddWithValue(dataset);
            batchRow.Parameters.AddWithValue(oldHash);
            await batchRow.ExecuteNonQueryAsync();
            await using var version = new NpgsqlCommand("""
                INSERT INTO dataset_versions ("Dataset", "Number", "Hash", "BatchHashes", "Rows", "CreatedAt")
                VALUES ($1, 1, 'sha256:old', $2::jsonb, 7, now())
                """, conn);
            version.Parameters.AddWithValue(dataset);
            version.Parameters.AddWithValue(JsonSerializer.Serialize(new[] { oldHash }));
            await version.ExecuteNonQueryAsync();
        }

        // A broker of its own, so no other Ingestion competes for this one's validation results.
        var messaging = await infra.CreateVirtualHostAsync("upgrade-" + Guid.NewGuid().ToString("N")[..8]);
        await using var ingestion = await ServiceProcess.StartAsync("Ingestion", new Dictionary<string, string>
        {
            ["ConnectionStrings__messaging"] = messaging,
            ["ConnectionStrings__blobs"] = await infra.CreateDatabaseAsync("blobs"),
            ["ConnectionStrings__ingestiondb"] = database,
        });

        await using (var upgraded = new IngestionDbContext(new DbContextOptionsBuilder<IngestionDbContext>().UseNpgsql(database).Options))
            Assert.Empty(await upgraded.Database.GetPendingMigrationsAsync());
        using var posted = await ingestion.Client.PostAsync($"datasets/{dataset}/batches", new StringContent("a\n1\n2\n3\n", Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        var batch = await posted.Content.ReadFromJsonAsync<JsonElement>();
        await using var bus = await TestBus.StartAsync(messaging);
        await bus.Bus.Publish(new DataValidated(batch.GetProperty("batchId").GetGuid(), dataset, batch.GetProperty("contentHash").GetString()!, Guid.NewGuid(), 3, [], [],
            Guid.NewGuid(), DateTimeOffset.UtcNow));

        JsonElement latest = default;
        await Eventually.UntilAsync(async () =>
        {
            latest = await ingestion.Client.GetFromJsonAsync<JsonElement>($"datasets/{dataset}/versions/latest");
            return latest.GetProperty("number").GetInt32() == 2;
        }, TimeSpan.FromSeconds(30), "version 2 appended after the upgrade");
        Assert.Equal([7L, 3L], latest.GetProperty("batchRows").EnumerateArray().Select(r => r.GetInt64()));
        Assert.Equal(10, latest.GetProperty("rows").GetInt64());
    }
}

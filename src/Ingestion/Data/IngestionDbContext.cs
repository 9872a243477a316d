using Microsoft.EntityFrameworkCore;
using MlOps.ServiceDefaults.Data;
using MlOps.ServiceDefaults.Outbox;

namespace MlOps.Ingestion.Data;

public sealed class IngestionDbContext(DbContextOptions<IngestionDbContext> options) : DbContext(options)
{
    public DbSet<Batch> Batches => Set<Batch>();
    public DbSet<DatasetVersion> Versions => Set<DatasetVersion>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Batch>(e =>
        {
            e.ToTable("batches");
            e.HasKey(x => x.Id);
            // The same bytes for the same dataset are the same batch.
            e.HasIndex(x => new { x.Dataset, x.ContentHash }).IsUnique();
            e.HasIndex(x => new { x.Dataset, x.IdempotencyKey }).IsUnique().HasFilter("\"IdempotencyKey\" IS NOT NULL");
            e.Property(x => x.Columns).HasJsonConversion();
            e.Property(x => x.Anomalies).HasJsonConversion();
        });
        modelBuilder.Entity<DatasetVersion>(e =>
        {
            e.ToTable("dataset_versions");
            // Appends of one dataset take a lock first (RecordValidationResultConsumer); the key is the last guard.
            e.HasKey(x => new { x.Dataset, x.Number });
            e.HasIndex(x => x.Hash);
            e.Property(x => x.BatchHashes).HasJsonConversion();
            e.Property(x => x.BatchRows).HasJsonConversion().HasDefaultValueSql("'[]'::jsonb");
        });
        modelBuilder.AddOutboxAndInbox();
    }
}

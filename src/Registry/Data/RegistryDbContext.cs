using Microsoft.EntityFrameworkCore;
using MlOps.ServiceDefaults.Data;
using MlOps.ServiceDefaults.Outbox;

namespace MlOps.Registry.Data;

public sealed class RegistryDbContext(DbContextOptions<RegistryDbContext> options) : DbContext(options)
{
    public DbSet<RegisteredModel> Models => Set<RegisteredModel>();
    public DbSet<ModelVersion> Versions => Set<ModelVersion>();
    public DbSet<AuditEntry> Audit => Set<AuditEntry>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<RegisteredModel>(e =>
        {
            e.ToTable("models");
            e.HasKey(x => x.Name);
        });
        modelBuilder.Entity<ModelVersion>(e =>
        {
            e.ToTable("model_versions");
            // Numbers are unique per model; a run registers at most one version.
            e.HasKey(x => new { x.Model, x.Version });
            e.HasIndex(x => x.RunId).IsUnique();
            e.Property(x => x.BatchHashes).HasJsonConversion();
            e.Property(x => x.BatchRows).HasJsonConversion();
            e.Property(x => x.Params).HasJsonConversion();
            e.Property(x => x.Metrics).HasJsonConversion();
            e.Property(x => x.ReferenceProfile).HasJsonConversion();
            e.Property(x => x.Holdout).HasJsonConversion();
            e.Property(x => x.Promotion).HasJsonConversion();
            e.Property(x => x.GateComparison).HasJsonConversion();
        });
        modelBuilder.Entity<AuditEntry>(e =>
        {
            e.ToTable("audit_log");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).UseIdentityAlwaysColumn();
            e.HasIndex(x => new { x.Model, x.Id });
        });
        modelBuilder.AddOutboxAndInbox();
    }
}

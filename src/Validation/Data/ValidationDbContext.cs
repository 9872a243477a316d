using Microsoft.EntityFrameworkCore;
using MlOps.ServiceDefaults.Data;
using MlOps.ServiceDefaults.Outbox;

namespace MlOps.Validation.Data;

public sealed class ValidationDbContext(DbContextOptions<ValidationDbContext> options) : DbContext(options)
{
    public DbSet<ValidationReport> Reports => Set<ValidationReport>();
    public DbSet<DatasetState> Datasets => Set<DatasetState>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ValidationReport>(e =>
        {
            e.ToTable("validation_reports");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.BatchId).IsUnique();
            e.Property(x => x.Anomalies).HasJsonConversion();
            e.Property(x => x.Skew).HasJsonConversion();
            e.Property(x => x.Profile).HasJsonConversion();
        });
        modelBuilder.Entity<DatasetState>(e =>
        {
            e.ToTable("datasets");
            e.HasKey(x => x.Dataset);
            e.Property(x => x.Schema).HasJsonConversion();
            e.Property(x => x.History).HasJsonConversion();
            e.Property(x => x.Version).IsRowVersion();
        });
        modelBuilder.AddOutboxAndInbox();
    }
}

using Microsoft.EntityFrameworkCore;
using MlOps.ServiceDefaults.Data;
using MlOps.ServiceDefaults.Outbox;

namespace MlOps.Validation.Data;

public sealed class ValidationDbContext(DbContextOptions<ValidationDbContext> options) : DbContext(options)
{
    public DbSet<ValidationReport> Reports => Set<ValidationReport>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ValidationReport>(e =>
        {
            e.ToTable("validation_reports");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.BatchId).IsUnique();
            e.Property(x => x.Anomalies).HasJsonConversion();
            e.Property(x => x.Profile).HasJsonConversion();
        });
        modelBuilder.AddOutboxAndInbox();
    }
}

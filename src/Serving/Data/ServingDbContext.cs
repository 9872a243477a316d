using Microsoft.EntityFrameworkCore;
using MlOps.ServiceDefaults.Outbox;

namespace MlOps.Serving.Data;

public sealed class ServingDbContext(DbContextOptions<ServingDbContext> options) : DbContext(options)
{
    public DbSet<ServedModel> Models => Set<ServedModel>();
    public DbSet<PredictionWindow> PredictionWindows => Set<PredictionWindow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ServedModel>(e =>
        {
            e.ToTable("models");
            e.HasKey(x => x.Name);
            e.Property(x => x.Name).HasMaxLength(100);
            e.Property(x => x.ChampionArtifactHash).HasMaxLength(80);
            e.Property(x => x.LatestArtifactHash).HasMaxLength(80);
        });
        modelBuilder.Entity<PredictionWindow>(e =>
        {
            e.ToTable("prediction_windows");
            e.HasKey(x => x.Id);
            e.Property(x => x.Model).HasMaxLength(100);
            e.Property(x => x.BlobRef).HasMaxLength(80);
            // Retention's query: the oldest windows first.
            e.HasIndex(x => x.WindowEnd);
            e.HasIndex(x => new { x.Model, x.WindowEnd });
        });
        modelBuilder.AddOutboxAndInbox();
    }
}

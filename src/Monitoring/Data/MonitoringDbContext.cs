using Microsoft.EntityFrameworkCore;
using MlOps.ServiceDefaults.Data;
using MlOps.ServiceDefaults.Outbox;

namespace MlOps.Monitoring.Data;

public sealed class MonitoringDbContext(DbContextOptions<MonitoringDbContext> options) : DbContext(options)
{
    public DbSet<MonitoredModel> Models => Set<MonitoredModel>();
    public DbSet<ModelReference> References => Set<ModelReference>();
    public DbSet<WindowSegment> Segments => Set<WindowSegment>();
    public DbSet<DriftWindow> Windows => Set<DriftWindow>();
    public DbSet<PredictionRecord> Predictions => Set<PredictionRecord>();
    public DbSet<PredictionLog> Logs => Set<PredictionLog>();
    public DbSet<PendingAlert> Alerts => Set<PendingAlert>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<MonitoredModel>(e =>
        {
            e.ToTable("models");
            e.HasKey(x => x.Name);
            e.Property(x => x.ChampionProfile).HasJsonConversion();
        });
        modelBuilder.Entity<ModelReference>(e =>
        {
            e.ToTable("model_references");
            e.HasKey(x => new { x.Model, x.ArtifactHash });
            e.HasIndex(x => new { x.Model, x.Version });
            e.Property(x => x.Features).HasJsonConversion();
            e.Property(x => x.TargetReference).HasJsonConversion();
            e.Property(x => x.Metrics).HasJsonConversion();
        });
        modelBuilder.Entity<WindowSegment>(e =>
        {
            e.ToTable("window_segments");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).UseIdentityAlwaysColumn();
            e.HasIndex(x => new { x.Model, x.Window });
        });
        modelBuilder.Entity<DriftWindow>(e =>
        {
            e.ToTable("drift_windows");
            e.HasKey(x => new { x.Model, x.Window });
            e.Property(x => x.Features).HasJsonConversion();
            e.Property(x => x.Prediction).HasJsonConversion();
        });
        modelBuilder.Entity<PredictionRecord>(e =>
        {
            e.ToTable("predictions");
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.Model, x.Window });
        });
        modelBuilder.Entity<PredictionLog>(e =>
        {
            e.ToTable("prediction_logs");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).UseIdentityAlwaysColumn();
            e.HasIndex(x => new { x.Model, x.Id });
            // The blob store is content-addressed: the same log published twice is counted once.
            e.HasIndex(x => new { x.Model, x.BlobRef }).IsUnique();
        });
        modelBuilder.Entity<PendingAlert>(e =>
        {
            e.ToTable("alerts");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).UseIdentityAlwaysColumn();
            e.HasIndex(x => new { x.Status, x.NextAttemptAt });
        });
        modelBuilder.AddOutboxAndInbox();
    }
}

using Microsoft.EntityFrameworkCore;
using MlOps.ServiceDefaults.Data;
using MlOps.ServiceDefaults.Outbox;

namespace MlOps.Training.Data;

public sealed class TrainingDbContext(DbContextOptions<TrainingDbContext> options) : DbContext(options)
{
    public DbSet<Pipeline> Pipelines => Set<Pipeline>();
    public DbSet<PipelineVersion> PipelineVersions => Set<PipelineVersion>();
    public DbSet<DatasetState> Datasets => Set<DatasetState>();
    public DbSet<TrainingRun> Runs => Set<TrainingRun>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Pipeline>(e =>
        {
            e.ToTable("pipelines");
            e.HasKey(x => x.Name);
            e.HasIndex(x => x.Dataset);
            e.Property(x => x.Definition).HasJsonConversion();
        });
        modelBuilder.Entity<PipelineVersion>(e =>
        {
            e.ToTable("pipeline_versions");
            e.HasKey(x => new { x.Name, x.Hash });
            e.Property(x => x.Definition).HasJsonConversion();
        });
        modelBuilder.Entity<DatasetState>(e =>
        {
            e.ToTable("datasets");
            e.HasKey(x => x.Dataset);
            e.Property(x => x.BatchHashes).HasJsonConversion();
            e.Property(x => x.BatchRows).HasJsonConversion();
        });
        modelBuilder.Entity<TrainingRun>(e =>
        {
            e.ToTable("runs");
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.Pipeline, x.QueuedAt });
            e.HasIndex(x => x.Status);
            // At most one queued run per pipeline: triggers arriving meanwhile coalesce into it. Two consumers racing
            // to queue one both insert; one loses on this index, retries, and finds the other's run.
            e.HasIndex(x => x.Pipeline, "ux_runs_one_queued").IsUnique().HasFilter("\"Status\" = 'queued' AND \"ReproduceOf\" IS NULL");
            // At most one running run per pipeline.
            e.HasIndex(x => x.Pipeline, "ux_runs_one_running").IsUnique().HasFilter("\"Status\" = 'running'");
            e.Property(x => x.Triggers).HasJsonConversion();
            e.Property(x => x.Definition).HasJsonConversion();
            e.Property(x => x.BatchHashes).HasJsonConversion();
            e.Property(x => x.BatchRows).HasJsonConversion();
            e.Property(x => x.Params).HasJsonConversion();
            e.Property(x => x.Metrics).HasJsonConversion();
            e.Property(x => x.HoldoutColumnTypes).HasJsonConversion();
            e.Property(x => x.Timings).HasJsonConversion();
        });
        modelBuilder.AddOutboxAndInbox();
    }
}

using Microsoft.EntityFrameworkCore;
using MlOps.ServiceDefaults.Outbox;

namespace MlOps.Training.Data;

public sealed class TrainingDbContext(DbContextOptions<TrainingDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddOutboxAndInbox();
}

using Microsoft.EntityFrameworkCore;
using MlOps.ServiceDefaults.Outbox;

namespace MlOps.Monitoring.Data;

public sealed class MonitoringDbContext(DbContextOptions<MonitoringDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddOutboxAndInbox();
}

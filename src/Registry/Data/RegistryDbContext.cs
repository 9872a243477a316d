using Microsoft.EntityFrameworkCore;
using MlOps.ServiceDefaults.Outbox;

namespace MlOps.Registry.Data;

public sealed class RegistryDbContext(DbContextOptions<RegistryDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddOutboxAndInbox();
}

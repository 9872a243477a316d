using Microsoft.EntityFrameworkCore;
using MlOps.ServiceDefaults.Outbox;

namespace MlOps.Serving.Data;

public sealed class ServingDbContext(DbContextOptions<ServingDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddOutboxAndInbox();
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace MlOps.Monitoring.Data;

/// <summary>For dotnet-ef: migrations are generated from the model alone, without starting the service or a database.</summary>
sealed class DesignTimeFactory : IDesignTimeDbContextFactory<MonitoringDbContext>
{
    public MonitoringDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<MonitoringDbContext>().UseNpgsql("Host=localhost;Database=monitoring").Options);
}

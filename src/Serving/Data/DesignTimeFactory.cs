using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace MlOps.Serving.Data;

/// <summary>For dotnet-ef: migrations are generated from the model alone, without starting the service or a database.</summary>
sealed class DesignTimeFactory : IDesignTimeDbContextFactory<ServingDbContext>
{
    public ServingDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<ServingDbContext>().UseNpgsql("Host=localhost;Database=serving").Options);
}

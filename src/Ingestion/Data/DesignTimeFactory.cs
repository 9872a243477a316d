using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace MlOps.Ingestion.Data;

/// <summary>For dotnet-ef: migrations are generated from the model alone, without starting the service or a database.</summary>
sealed class DesignTimeFactory : IDesignTimeDbContextFactory<IngestionDbContext>
{
    public IngestionDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<IngestionDbContext>().UseNpgsql("Host=localhost;Database=ingestion").Options);
}

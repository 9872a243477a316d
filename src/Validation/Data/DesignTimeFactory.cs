using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace MlOps.Validation.Data;

/// <summary>For dotnet-ef: migrations are generated from the model alone, without starting the service or a database.</summary>
sealed class DesignTimeFactory : IDesignTimeDbContextFactory<ValidationDbContext>
{
    public ValidationDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<ValidationDbContext>().UseNpgsql("Host=localhost;Database=validation").Options);
}

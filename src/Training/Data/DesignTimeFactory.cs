using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace MlOps.Training.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without the service's configuration; it never connects.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<TrainingDbContext>
{
    public TrainingDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<TrainingDbContext>().UseNpgsql("Host=localhost;Database=design_time").Options);
}

using Microsoft.EntityFrameworkCore;

namespace MlOps.Tests.Unit.Messaging;

/// <summary>A service starts by migrating its database; a model change without its migration would fail that start.</summary>
public sealed class MigrationTests
{
    public static TheoryData<string> Services => new(["Ingestion", "Validation", "Training", "Registry", "Serving", "Monitoring"]);

    static DbContext Create(string service) => service switch
    {
        "Ingestion" => new MlOps.Ingestion.Data.DesignTimeFactory().CreateDbContext([]),
        "Validation" => new MlOps.Validation.Data.DesignTimeFactory().CreateDbContext([]),
        "Training" => new MlOps.Training.Data.DesignTimeFactory().CreateDbContext([]),
        "Registry" => new MlOps.Registry.Data.DesignTimeFactory().CreateDbContext([]),
        "Serving" => new MlOps.Serving.Data.DesignTimeFactory().CreateDbContext([]),
        "Monitoring" => new MlOps.Monitoring.Data.DesignTimeFactory().CreateDbContext([]),
        _ => throw new ArgumentOutOfRangeException(nameof(service)),
    };

    [Theory]
    [MemberData(nameof(Services))]
    public void The_services_migrations_describe_its_current_model(string service)
    {
        using var db = Create(service);

        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(),
            $"{service}'s model has changes no migration holds: dotnet ef migrations add <Name> --project src/{service} --output-dir Data/Migrations");
    }
}

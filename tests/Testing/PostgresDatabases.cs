using Npgsql;

namespace MlOps.Testing;

/// <summary>Databases on a PostgreSQL server, whether the AppHost started it or was given its connection string.</summary>
public static class PostgresDatabases
{
    private const string DuplicateDatabase = "42P04";

    /// <summary>The server's connection string pointed at one database.</summary>
    public static string ForDatabase(string serverConnectionString, string database) =>
        new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = database }.ConnectionString;

    public static async Task EnsureAsync(string serverConnectionString, string name, CancellationToken ct = default)
    {
        var builder = new NpgsqlConnectionStringBuilder(serverConnectionString);
        // CREATE DATABASE has to run from another database; the maintenance database always exists.
        builder.Database = string.IsNullOrEmpty(builder.Database) || builder.Database == name ? "postgres" : builder.Database;
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(ct);

        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection))
        {
            exists.Parameters.AddWithValue("name", name);
            if (await exists.ExecuteScalarAsync(ct) is not null)
            {
                return;
            }
        }
        try
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name.Replace("\"", "\"\"")}\"", connection);
            await create.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState == DuplicateDatabase)
        {
            // Created by someone else between the check and the CREATE: what we wanted.
        }
    }
}

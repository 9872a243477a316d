using Npgsql;

namespace MlOps.Training.Runs;

/// <summary>
/// Proof that a live process is training a run: a PostgreSQL session-level advisory lock on the run's id, taken before
/// the run is claimed and held on a connection of its own until the run's outcome is saved. PostgreSQL releases it when
/// that connection closes, so a process that crashed or was killed holds none: a running run whose lease can be taken
/// was interrupted, and one whose lease cannot be taken is being trained by another replica and is left alone.
/// </summary>
public sealed class RunLease : IAsyncDisposable
{
    readonly NpgsqlConnection _connection;
    readonly Guid _runId;

    RunLease(NpgsqlConnection connection, Guid runId)
    {
        _connection = connection;
        _runId = runId;
    }

    /// <summary>The lease of <paramref name="runId"/>, or null when another session holds it.</summary>
    public static async Task<RunLease?> TryTakeAsync(string connectionString, Guid runId, CancellationToken ct)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(ct);
            if (await LockAsync(connection, "pg_try_advisory_lock", runId, ct))
                return new RunLease(connection, runId);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        await connection.DisposeAsync();
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // Unlocked explicitly: a pooled connection is only reset when it is next used.
            await LockAsync(_connection, "pg_advisory_unlock", _runId, CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // The connection is gone, and the lock with it.
        }
        await _connection.DisposeAsync();
    }

    static async Task<bool> LockAsync(NpgsqlConnection connection, string function, Guid runId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"SELECT {function}(hashtextextended(@key, 0))", connection);
        command.Parameters.AddWithValue("key", "training-run:" + runId.ToString("N"));
        return await command.ExecuteScalarAsync(ct) is true;
    }
}

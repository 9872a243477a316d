using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace MlOps.ServiceDefaults.Messaging;

/// <summary>Which failures go away by themselves: the database or broker briefly unreachable, or a race with another message.</summary>
public static class TransientFaults
{
    public static bool IsTransient(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PermanentException:
                    return false;
                case ConflictException or DbUpdateConcurrencyException:
                    return true;
                case PostgresException pg:
                    return pg.IsTransient || IsConflictOrUnavailable(pg.SqlState);
                case NpgsqlException { IsTransient: true }:
                case System.Net.Sockets.SocketException or TimeoutException:
                    return true;
            }
        }
        return false;
    }

    /// <summary>PostgreSQL cannot be reached (or is shutting down): nothing a client can do but wait.</summary>
    public static bool IsDatabaseUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg:
                    return pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState is "57P01" or "57P02" or "57P03" or "53300";
                case NpgsqlException { IsTransient: true }:
                    return true;
            }
        }
        return false;
    }

    static bool IsConflictOrUnavailable(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal)
        || sqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.UniqueViolation
            or PostgresErrorCodes.LockNotAvailable or "57P01" or "57P02" or "57P03" or "53300";
}

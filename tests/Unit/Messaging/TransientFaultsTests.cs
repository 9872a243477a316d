using Microsoft.EntityFrameworkCore;
using MlOps.ServiceDefaults.Messaging;
using Npgsql;

namespace MlOps.Tests.Unit.Messaging;

public sealed class TransientFaultsTests
{
    [Fact]
    public void An_unreachable_database_and_a_lost_race_are_transient_and_a_permanent_error_or_a_bug_is_not()
    {
        var unreachable = new NpgsqlException("Failed to connect to 127.0.0.1:5432", new System.Net.Sockets.SocketException(111));
        Assert.True(TransientFaults.IsTransient(unreachable));
        Assert.True(TransientFaults.IsDatabaseUnavailable(new InvalidOperationException("wrapped", unreachable)));
        Assert.True(TransientFaults.IsTransient(new DbUpdateConcurrencyException("row version changed")));
        Assert.True(TransientFaults.IsTransient(new DbUpdateException("save failed", new PostgresException("duplicate key", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation))));
        Assert.True(TransientFaults.IsTransient(new ConflictException("schema changed")));

        Assert.False(TransientFaults.IsTransient(new PermanentException("unknown batch", unreachable)));
        Assert.False(TransientFaults.IsTransient(new InvalidOperationException("a bug")));
        Assert.False(TransientFaults.IsDatabaseUnavailable(new DbUpdateException("save failed", new PostgresException("duplicate key", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation))));
    }

    [Fact]
    public void Transient_retries_back_off_to_the_cap_and_outlast_the_configured_window()
    {
        var options = new MessagingOptions { TransientRetryWindow = TimeSpan.FromMinutes(5), TransientMaxInterval = TimeSpan.FromSeconds(15) };

        var intervals = options.TransientIntervals();

        Assert.Equal(TimeSpan.FromMilliseconds(100), intervals[0]);
        Assert.All(intervals, i => Assert.True(i <= TimeSpan.FromSeconds(15)));
        Assert.True(intervals.Aggregate(TimeSpan.Zero, (a, b) => a + b) >= TimeSpan.FromMinutes(5));
        Assert.InRange(intervals.Length, 20, 40);
    }
}

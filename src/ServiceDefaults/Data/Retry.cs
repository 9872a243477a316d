using Npgsql;

namespace MlOps.ServiceDefaults;

static class Retry
{
    /// <summary>Retries start-up work while PostgreSQL is still coming up (a service may start before its database).</summary>
    public static async Task UntilConnectedAsync(Func<Task> work, CancellationToken ct, int attempts = 30)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await work();
                return;
            }
            catch (Exception ex) when (attempt < attempts && ex is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }
    }
}

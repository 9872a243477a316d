using Npgsql;

namespace MlOps.ServiceDefaults;

static class Retry
{
    /// <summary>
    /// Retries start-up work while PostgreSQL or RabbitMQ is still coming up (a service may start before them), every
    /// <paramref name="interval"/> (1 s by default) for up to <paramref name="attempts"/> attempts.
    /// </summary>
    public static async Task UntilConnectedAsync(Func<Task> work, CancellationToken ct, int attempts = 30, TimeSpan? interval = null)
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
                await Task.Delay(interval ?? TimeSpan.FromSeconds(1), ct);
            }
        }
    }
}

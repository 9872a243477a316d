using MassTransit;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace MlOps.Training.Consumers;

static class ConsumerRetry
{
    /// <summary>
    /// Retries faults a second attempt can fix (a blob read timing out, say). Permanent errors go straight to the error
    /// queue. Database errors are left to the bus-wide retry around the inbox: it runs the whole transaction again,
    /// where a retry in here would run inside the transaction PostgreSQL has already aborted.
    /// </summary>
    public static void Configure(IReceiveEndpointConfigurator endpoint) =>
        endpoint.UseMessageRetry(r =>
        {
            r.Ignore<PermanentException>();
            r.Ignore<DbUpdateException>();
            r.Ignore<NpgsqlException>();
            r.Ignore<InvalidOperationException>();
            r.Intervals(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3));
        });
}

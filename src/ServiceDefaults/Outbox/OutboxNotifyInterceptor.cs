using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace MlOps.ServiceDefaults.Outbox;

/// <summary>Signals the dispatcher after every save and commit, so a freshly committed event is published at once.</summary>
public sealed class OutboxNotifyInterceptor(OutboxSignal signal) : DbTransactionInterceptor, ISaveChangesInterceptor
{
    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        signal.Notify();
        return Task.CompletedTask;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        // Inside an explicit transaction the rows are not visible yet; TransactionCommittedAsync signals again.
        if (eventData.Context?.Database.CurrentTransaction is null)
            signal.Notify();
        return ValueTask.FromResult(result);
    }
}

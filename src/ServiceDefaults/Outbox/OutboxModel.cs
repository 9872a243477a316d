using Microsoft.EntityFrameworkCore;

namespace MlOps.ServiceDefaults.Outbox;

public static class OutboxModel
{
    /// <summary>Adds the outbox and inbox tables to a service's model. Call from <c>OnModelCreating</c>.</summary>
    public static ModelBuilder AddOutboxAndInbox(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<OutboxMessage>(e =>
        {
            e.ToTable("outbox_messages");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).UseIdentityAlwaysColumn();
            e.HasIndex(x => x.MessageId).IsUnique();
            e.Property(x => x.MessageType).HasMaxLength(256);
            e.Property(x => x.Body).HasColumnType("jsonb");
            // The dispatcher's query: unsent messages in commit order.
            e.HasIndex(x => x.Id).HasFilter("\"SentAt\" IS NULL").HasDatabaseName("ix_outbox_unsent");
        });
        modelBuilder.Entity<InboxMessage>(e =>
        {
            e.ToTable("inbox_messages");
            e.HasKey(x => new { x.MessageId, x.Consumer });
            e.Property(x => x.Consumer).HasMaxLength(256);
            e.Property(x => x.MessageType).HasMaxLength(256);
        });
        return modelBuilder;
    }
}

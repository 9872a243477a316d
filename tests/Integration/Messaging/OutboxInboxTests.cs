using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MlOps.Contracts;
using MlOps.ServiceDefaults.Outbox;
using MlOps.Tests.Integration.Infrastructure;
using RabbitMQ.Client;

namespace MlOps.Tests.Integration.Messaging;

[Collection(InfrastructureCollection.Name)]
public sealed class OutboxInboxTests(InfrastructureFixture infra)
{
    static string Key() => "m-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task A_state_change_and_its_event_commit_together_and_nothing_is_published_before_commit()
    {
        var db = await infra.CreateDatabaseAsync("outbox");
        using var host = await TestHost.StartAsync(infra.Messaging, db, dispatcher: true, x => x.AddConsumer<RecordFeedbackConsumer, RecordFeedbackConsumerDefinition>());
        var key = Key();

        // A failed transaction leaves neither the state change nor the event.
        await host.InScopeAsync(async ctx =>
        {
            await using var tx = await ctx.Database.BeginTransactionAsync();
            ctx.Effects.Add(new Effect { Key = key + "-state" });
            ctx.AddEvent(TestHost.Feedback(key));
            await ctx.SaveChangesAsync();
            await tx.RollbackAsync();
            return 0;
        });

        Assert.Equal(0, await host.InScopeAsync(ctx => ctx.Set<OutboxMessage>().CountAsync()));
        // A marker committed after it is delivered; had the rolled-back event been published, it would have been too.
        await host.CommitFeedbackAsync(key + "-marker");
        Assert.Equal(1, await host.SettledEffectsAsync(key + "-marker", 1, TimeSpan.Zero));
        Assert.Equal(0, await host.EffectsAsync(key));
        Assert.Equal(0, await host.EffectsAsync(key + "-state"));
    }

    [Fact]
    public async Task An_event_committed_while_the_dispatcher_is_down_goes_out_once_after_restart()
    {
        var db = await infra.CreateDatabaseAsync("outbox");
        var key = Key();

        // The process commits and dies before its dispatcher publishes.
        using (var crashed = await TestHost.StartAsync(infra.Messaging, db, dispatcher: false))
        {
            await crashed.CommitFeedbackAsync(key);
            await crashed.StopAsync();
        }

        using var restarted = await TestHost.StartAsync(infra.Messaging, db, dispatcher: true, x => x.AddConsumer<RecordFeedbackConsumer, RecordFeedbackConsumerDefinition>());

        await Eventually.UntilAsync(() => restarted.InScopeAsync(ctx => ctx.Set<OutboxMessage>().AllAsync(m => m.SentAt != null)), TimeSpan.FromSeconds(30), "the row being sent");
        Assert.Equal(1, await restarted.SettledEffectsAsync(key, 1, TimeSpan.Zero));
    }

    [Fact]
    public async Task An_event_published_again_after_a_crash_before_it_was_marked_sent_has_one_effect()
    {
        var db = await infra.CreateDatabaseAsync("outbox");
        using var host = await TestHost.StartAsync(infra.Messaging, db, dispatcher: true, x => x.AddConsumer<RecordFeedbackConsumer, RecordFeedbackConsumerDefinition>());
        var key = Key();
        await host.CommitFeedbackAsync(key);
        Assert.Equal(1, await host.SettledEffectsAsync(key, 1, TimeSpan.FromSeconds(0.5)));

        long duplicates = 0;
        using var listener = MetricsProbe.Listen("mlops.inbox.duplicates", v => Interlocked.Add(ref duplicates, v));

        // As if the dispatcher had published but died before recording it: the row is due again.
        await host.InScopeAsync(ctx => ctx.Set<OutboxMessage>().ExecuteUpdateAsync(s => s.SetProperty(m => m.SentAt, (DateTimeOffset?)null)));
        host.Services.GetRequiredService<OutboxSignal>().Notify();

        await Eventually.UntilAsync(() => Task.FromResult(Interlocked.Read(ref duplicates) >= 1), TimeSpan.FromSeconds(20), "the second delivery reaching the inbox");
        Assert.False(await host.InScopeAsync(ctx => ctx.Set<OutboxMessage>().AnyAsync(m => m.SentAt == null)), "the row was not marked sent again");
        Assert.Equal(1, await host.EffectsAsync(key));
        Assert.Equal(1, await host.InScopeAsync(ctx => ctx.Set<InboxMessage>().CountAsync()));
    }

    [Fact]
    public async Task An_idle_dispatcher_checks_the_outbox_at_its_poll_interval_and_not_in_a_loop()
    {
        var db = await infra.CreateDatabaseAsync("idle");
        using var host = await TestHost.StartAsync(infra.Messaging, db, dispatcher: true, x => x.AddConsumer<RecordFeedbackConsumer, RecordFeedbackConsumerDefinition>());
        var key = Key();
        await host.CommitFeedbackAsync(key);
        Assert.Equal(1, await host.SettledEffectsAsync(key, 1, TimeSpan.FromSeconds(0.5)));

        long polls = 0;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "mlops.outbox.polls")
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref polls, value));
        listener.Start();
        await Task.Delay(TimeSpan.FromSeconds(3));
        listener.Dispose();

        // The test host polls every 200 ms: about 15 checks in 3 s. A dispatcher woken by its own commits would make thousands.
        Assert.InRange(Interlocked.Read(ref polls), 5, 40);
    }

    [Fact]
    public async Task The_same_message_delivered_twice_has_one_effect()
    {
        var db = await infra.CreateDatabaseAsync("inbox");
        using var host = await TestHost.StartAsync(infra.Messaging, db, dispatcher: true, x => x.AddConsumer<RecordFeedbackConsumer, RecordFeedbackConsumerDefinition>());
        var key = Key();
        var message = TestHost.Feedback(key);
        var messageId = Guid.NewGuid();
        var bus = host.Services.GetRequiredService<IBus>();

        long duplicates = 0;
        using var listener = MetricsProbe.Listen("mlops.inbox.duplicates", v => Interlocked.Add(ref duplicates, v));

        await bus.Publish(message, ctx => ctx.MessageId = messageId);
        await bus.Publish(message, ctx => ctx.MessageId = messageId);

        await Eventually.UntilAsync(() => Task.FromResult(Interlocked.Read(ref duplicates) >= 1), TimeSpan.FromSeconds(20), "the second delivery reaching the inbox");
        Assert.Equal(1, await host.EffectsAsync(key));
        Assert.Equal(1, await host.InScopeAsync(ctx => ctx.Set<InboxMessage>().CountAsync(m => m.MessageId == messageId)));
    }

    [Fact]
    public async Task A_redelivered_message_already_handled_is_acknowledged_and_counted_not_parked()
    {
        var db = await infra.CreateDatabaseAsync("inbox");
        using var host = await TestHost.StartAsync(infra.Messaging, db, dispatcher: true, x => x.AddConsumer<RecordFeedbackConsumer, RecordFeedbackConsumerDefinition>());
        long duplicates = 0;
        using var listener = MetricsProbe.Listen("mlops.inbox.duplicates", v => Interlocked.Add(ref duplicates, v));
        var key = Key();
        var message = TestHost.Feedback(key);
        var messageId = Guid.NewGuid();
        var bus = host.Services.GetRequiredService<IBus>();

        await bus.Publish(message, ctx => ctx.MessageId = messageId);
        Assert.Equal(1, await host.SettledEffectsAsync(key, 1, TimeSpan.Zero));
        await bus.Publish(message, ctx => ctx.MessageId = messageId);
        await Eventually.UntilAsync(() => Task.FromResult(Interlocked.Read(ref duplicates) >= 1), TimeSpan.FromSeconds(20), "the duplicate being counted");

        Assert.Equal(1, await host.EffectsAsync(key));
        Assert.Equal(0u, await QueueDepthAsync("record-feedback_skipped"));
    }

    [Fact]
    public async Task An_outbox_row_that_keeps_failing_is_set_aside_after_its_attempts_counted_and_later_rows_still_go_out()
    {
        var db = await infra.CreateDatabaseAsync("outbox");
        using var host = await TestHost.StartAsync(infra.Messaging, db, dispatcher: true, x => x.AddConsumer<RecordFeedbackConsumer, RecordFeedbackConsumerDefinition>(),
            new() { ["Outbox:MaxAttempts"] = "2" });
        long failed = 0;
        using var listener = MetricsProbe.Listen("mlops.outbox.failed", v => Interlocked.Add(ref failed, v));
        var key = Key();
        // An event type this build does not know: publishing it can never succeed.
        await host.InScopeAsync(ctx =>
        {
            ctx.Set<OutboxMessage>().Add(new OutboxMessage { MessageId = Guid.NewGuid(), MessageType = "MlOps.Contracts.NoSuchEvent", Body = "{}", CreatedAt = DateTimeOffset.UtcNow });
            return ctx.SaveChangesAsync();
        });
        await host.CommitFeedbackAsync(key);

        Assert.Equal(1, await host.SettledEffectsAsync(key, 1, TimeSpan.Zero));
        await Eventually.UntilAsync(() => host.InScopeAsync(ctx => ctx.Set<OutboxMessage>().AnyAsync(m => m.FailedAt != null)), TimeSpan.FromSeconds(30), "the row being set aside");
        var poisoned = await host.InScopeAsync(ctx => ctx.Set<OutboxMessage>().SingleAsync(m => m.MessageType == "MlOps.Contracts.NoSuchEvent"));
        Assert.Null(poisoned.SentAt);
        Assert.Equal(2, poisoned.Attempts);
        Assert.Contains("NoSuchEvent", poisoned.LastError);
        Assert.Equal(1, Interlocked.Read(ref failed));
    }

    [Fact]
    public async Task A_publish_the_broker_never_confirms_times_out_is_retried_and_has_one_effect_once_the_network_is_back()
    {
        var db = await infra.CreateDatabaseAsync("outbox");
        var (proxy, messaging) = FreezingProxy.ForAmqp(infra.Messaging);
        await using var _ = proxy;
        using var host = await TestHost.StartAsync(messaging, db, dispatcher: true, x => x.AddConsumer<RecordFeedbackConsumer, RecordFeedbackConsumerDefinition>(),
            new() { ["Outbox:PublishTimeout"] = "00:00:02" });
        var before = Key();
        await host.CommitFeedbackAsync(before);
        Assert.Equal(1, await host.SettledEffectsAsync(before, 1, TimeSpan.Zero));

        // The connection stays open but carries nothing: the publish waits for a confirm that does not come.
        proxy.Freeze();
        var key = Key();
        await host.CommitFeedbackAsync(key);
        await Eventually.UntilAsync(() => host.InScopeAsync(ctx => ctx.Set<OutboxMessage>().AnyAsync(m => m.Attempts >= 2 && m.SentAt == null)),
            TimeSpan.FromSeconds(30), "two publish attempts timing out");
        var row = await host.InScopeAsync(ctx => ctx.Set<OutboxMessage>().AsNoTracking().SingleAsync(m => m.SentAt == null));
        Assert.Contains("did not confirm the publish within 2 s", row.LastError);
        var later = Key();
        await host.CommitFeedbackAsync(later);

        proxy.Thaw();
        // The attempts that timed out may have reached the broker too; the inbox keeps one effect per event. The later
        // event waits out the first one's backoff, so each is awaited on its own.
        Assert.Equal(1, await host.SettledEffectsAsync(key, 1));
        Assert.Equal(1, await host.SettledEffectsAsync(later, 1));
        await Eventually.UntilAsync(() => host.InScopeAsync(async ctx => await ctx.Set<OutboxMessage>().CountAsync(m => m.SentAt == null) == 0),
            TimeSpan.FromSeconds(30), "every outbox row sent");
    }

    [Fact]
    public async Task A_parked_message_replayed_from_the_error_queue_once_its_cause_is_fixed_has_its_effect()
    {
        var db = await infra.CreateDatabaseAsync("replay");
        using var host = await TestHost.StartAsync(infra.Messaging, db, dispatcher: true, x => x.AddConsumer<GatedFeedbackConsumer, GatedFeedbackConsumerDefinition>());
        var key = Key();
        await host.Services.GetRequiredService<IBus>().Publish(TestHost.Feedback(key));
        await Eventually.UntilAsync(async () => await QueueDepthAsync("gated-feedback_error") == 1, TimeSpan.FromSeconds(30), "the message being parked");

        await host.InScopeAsync(ctx => { ctx.Effects.Add(new Effect { Key = key + "-open" }); return ctx.SaveChangesAsync(); });
        var errorQueues = host.Services.GetRequiredService<MlOps.ServiceDefaults.Messaging.ErrorQueues>();
        Assert.Contains(await errorQueues.ListAsync(CancellationToken.None), q => q.Queue == "gated-feedback" && q.Messages == 1);
        var replayed = await errorQueues.ReplayAsync("gated-feedback", 100, CancellationToken.None);

        Assert.Equal(1, replayed);
        Assert.Equal(1, await host.SettledEffectsAsync(key, 1, TimeSpan.Zero));
        Assert.Equal(0u, await QueueDepthAsync("gated-feedback_error"));
    }

    [Fact]
    public async Task Retention_deletes_old_sent_outbox_rows_inbox_rows_and_orphaned_upload_chunks_and_keeps_the_rest()
    {
        var db = await infra.CreateDatabaseAsync("retention");
        var blobs = await infra.CreateDatabaseAsync("blobs");
        using var host = await TestHost.StartAsync(infra.Messaging, db, dispatcher: false, blobs: blobs);
        var old = DateTimeOffset.UtcNow.AddDays(-60);
        await host.InScopeAsync(ctx =>
        {
            OutboxMessage Row(DateTimeOffset? sent) => new() { MessageId = Guid.NewGuid(), MessageType = "t", Body = "{}", CreatedAt = old, SentAt = sent };
            ctx.Set<OutboxMessage>().AddRange(Row(old), Row(DateTimeOffset.UtcNow), Row(null));
            ctx.Set<InboxMessage>().AddRange(
                new InboxMessage { MessageId = Guid.NewGuid(), Consumer = "c", MessageType = "t", HandledAt = old },
                new InboxMessage { MessageId = Guid.NewGuid(), Consumer = "c", MessageType = "t", HandledAt = DateTimeOffset.UtcNow });
            return ctx.SaveChangesAsync();
        });
        await using (var conn = new Npgsql.NpgsqlConnection(blobs))
        {
            await conn.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand("""
                INSERT INTO blob_chunks (key, seq, data, created_at) VALUES ('upload:dead', 0, '\x00', now() - interval '3 days'), ('upload:live', 0, '\x00', now());
                """, conn);
            await cmd.ExecuteNonQueryAsync();
        }

        var result = await host.Services.GetRequiredService<RetentionService<TestDbContext>>().RunOnceAsync(CancellationToken.None);

        Assert.Equal(new RetentionResult(1, 1, 1), result);
        Assert.Equal(2, await host.InScopeAsync(ctx => ctx.Set<OutboxMessage>().CountAsync()));
        Assert.Equal(1, await host.InScopeAsync(ctx => ctx.Set<InboxMessage>().CountAsync()));
    }

    Task<uint> QueueDepthAsync(string queue) => Broker.QueueDepthAsync(infra.Messaging, queue);

    [Fact]
    public async Task A_message_that_keeps_failing_is_retried_then_moved_to_the_error_queue()
    {
        var db = await infra.CreateDatabaseAsync("poison");
        using var host = await TestHost.StartAsync(infra.Messaging, db, dispatcher: true, x => x.AddConsumer<FailingFeedbackConsumer, FailingFeedbackConsumerDefinition>(),
            new Dictionary<string, string?> { ["Messaging:GaugeInterval"] = "00:00:00.300" });
        var key = Key();
        await host.Services.GetRequiredService<IBus>().Publish(TestHost.Feedback(key));

        var factory = new ConnectionFactory { Uri = new Uri(infra.Messaging) };
        await using var connection = await factory.CreateConnectionAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        uint inError = 0;
        while (DateTime.UtcNow < deadline && inError == 0)
        {
            await Task.Delay(500);
            // A passive declare of a queue that does not exist yet closes the channel: use a fresh one each time.
            await using var channel = await connection.CreateChannelAsync();
            try { inError = (await channel.QueueDeclarePassiveAsync("failing-feedback_error")).MessageCount; }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException) { }
        }
        Assert.Equal(1u, inError);
        Assert.Equal(0, await host.EffectsAsync(key));

        // The parked message is counted on the service's error-queue gauge, which the dashboard charts.
        var depths = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "mlops.messaging.error_queue.depth")
                    l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag.Key == "messaging.destination.name")
                    depths[(string)tag.Value!] = value;
        });
        listener.Start();
        await Eventually.UntilAsync(() =>
        {
            listener.RecordObservableInstruments();
            return Task.FromResult(depths.TryGetValue("failing-feedback", out var depth) && depth == 1);
        }, TimeSpan.FromSeconds(30), "the error-queue gauge counting the parked message");
    }
}

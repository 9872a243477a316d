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

        Assert.Equal(0, await host.SettledEffectsAsync(key, 0, TimeSpan.FromSeconds(1.5)));
        Assert.Equal(0, await host.InScopeAsync(ctx => ctx.Set<OutboxMessage>().CountAsync()));
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

        Assert.Equal(1, await restarted.SettledEffectsAsync(key, 1));
        var row = await restarted.InScopeAsync(ctx => ctx.Set<OutboxMessage>().SingleAsync());
        Assert.NotNull(row.SentAt);
    }

    [Fact]
    public async Task An_event_published_again_after_a_crash_before_it_was_marked_sent_has_one_effect()
    {
        var db = await infra.CreateDatabaseAsync("outbox");
        using var host = await TestHost.StartAsync(infra.Messaging, db, dispatcher: true, x => x.AddConsumer<RecordFeedbackConsumer, RecordFeedbackConsumerDefinition>());
        var key = Key();
        await host.CommitFeedbackAsync(key);
        Assert.Equal(1, await host.SettledEffectsAsync(key, 1, TimeSpan.FromSeconds(0.5)));

        // As if the dispatcher had published but died before recording it: the row is due again.
        await host.InScopeAsync(ctx => ctx.Set<OutboxMessage>().ExecuteUpdateAsync(s => s.SetProperty(m => m.SentAt, (DateTimeOffset?)null)));
        host.Services.GetRequiredService<OutboxSignal>().Notify();

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline && await host.InScopeAsync(ctx => ctx.Set<OutboxMessage>().AnyAsync(m => m.SentAt == null)))
            await Task.Delay(100);
        Assert.False(await host.InScopeAsync(ctx => ctx.Set<OutboxMessage>().AnyAsync(m => m.SentAt == null)), "the row was not published again");
        Assert.Equal(1, await host.SettledEffectsAsync(key, 1));
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

        await bus.Publish(message, ctx => ctx.MessageId = messageId);
        await bus.Publish(message, ctx => ctx.MessageId = messageId);

        Assert.Equal(1, await host.SettledEffectsAsync(key, 1));
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

    /// <summary>Messages waiting in <paramref name="queue"/>; 0 when it does not exist.</summary>
    async Task<uint> QueueDepthAsync(string queue)
    {
        var factory = new ConnectionFactory { Uri = new Uri(infra.Messaging) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        try { return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount; }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException) { return 0; }
    }

    [Fact]
    public async Task A_message_that_keeps_failing_is_retried_then_moved_to_the_error_queue()
    {
        var db = await infra.CreateDatabaseAsync("poison");
        using var host = await TestHost.StartAsync(infra.Messaging, db, dispatcher: true, x => x.AddConsumer<FailingFeedbackConsumer, FailingFeedbackConsumerDefinition>());
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
    }
}

using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MlOps.Contracts;
using MlOps.ServiceDefaults;
using MlOps.ServiceDefaults.Messaging;
using MlOps.ServiceDefaults.Outbox;

namespace MlOps.Tests.Integration.Messaging;

/// <summary>A service in miniature: its own database with outbox and inbox, the real bus, and optionally a consumer.</summary>
public sealed class TestDbContext(DbContextOptions<TestDbContext> options) : DbContext(options)
{
    public DbSet<Effect> Effects => Set<Effect>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Effect>().ToTable("effects").HasKey(e => e.Id);
        modelBuilder.AddOutboxAndInbox();
    }
}

/// <summary>One row per handled event: the consumer's observable effect.</summary>
public sealed class Effect
{
    public long Id { get; set; }
    public required string Key { get; set; }
}

/// <summary>Records an effect for each <see cref="FeedbackReceived"/>; the model name is the test's key.</summary>
public sealed class RecordFeedbackConsumer(TestDbContext db) : IConsumer<FeedbackReceived>
{
    public Task Consume(ConsumeContext<FeedbackReceived> context)
    {
        db.Effects.Add(new Effect { Key = context.Message.Model });
        return Task.CompletedTask;
    }
}

public sealed class RecordFeedbackConsumerDefinition() : ServiceConsumerDefinition<RecordFeedbackConsumer>(new Subscription("record-feedback", typeof(FeedbackReceived)), 4);

public sealed class FailingFeedbackConsumerDefinition() : ServiceConsumerDefinition<FailingFeedbackConsumer>(new Subscription("failing-feedback", typeof(FeedbackReceived)), 4);

/// <summary>Refuses a message (permanently) until an effect "{model}-open" exists: a cause fixed later, then a replay.</summary>
public sealed class GatedFeedbackConsumer(TestDbContext db) : IConsumer<FeedbackReceived>
{
    public async Task Consume(ConsumeContext<FeedbackReceived> context)
    {
        var key = context.Message.Model;
        if (!await db.Effects.AnyAsync(e => e.Key == key + "-open"))
            throw new PermanentException($"{key} is not open yet");
        db.Effects.Add(new Effect { Key = key });
    }
}

public sealed class GatedFeedbackConsumerDefinition() : ServiceConsumerDefinition<GatedFeedbackConsumer>(new Subscription("gated-feedback", typeof(FeedbackReceived)), 4);

/// <summary>Always fails, to show where poison messages end up.</summary>
public sealed class FailingFeedbackConsumer : IConsumer<FeedbackReceived>
{
    public Task Consume(ConsumeContext<FeedbackReceived> context) =>
        throw new InvalidOperationException($"cannot handle feedback for {context.Message.Model}");
}

static class TestHost
{
    public static async Task<IHost> StartAsync(string messaging, string database, bool dispatcher, Action<IBusRegistrationConfigurator>? consumers = null,
        Dictionary<string, string?>? settings = null, string? blobs = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:messaging"] = messaging,
            ["ConnectionStrings:testdb"] = database,
            ["Outbox:DispatcherEnabled"] = dispatcher.ToString(),
            ["Outbox:PollInterval"] = "00:00:00.200",
            ["Outbox:FirstRetryDelay"] = "00:00:00.100",
            ["ConnectionStrings:blobs"] = blobs,
        });
        if (settings is not null)
            builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton(TimeProvider.System);
        MlOps.ServiceDefaults.Blobs.BlobStoreExtensions.AddBlobStore(builder);
        builder.AddServiceDatabase<TestDbContext>("testdb");
        builder.AddEventBus<TestDbContext>(consumers);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    public static async Task<T> InScopeAsync<T>(this IHost host, Func<TestDbContext, Task<T>> work)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<TestDbContext>());
    }

    /// <summary>Commits a <see cref="FeedbackReceived"/> for <paramref name="key"/> through the outbox, as a service's state change would.</summary>
    public static Task<int> CommitFeedbackAsync(this IHost host, string key) =>
        host.InScopeAsync(ctx =>
        {
            ctx.AddEvent(Feedback(key));
            return ctx.SaveChangesAsync();
        });

    public static Task<int> EffectsAsync(this IHost host, string key) =>
        host.InScopeAsync(db => db.Effects.CountAsync(e => e.Key == key));

    /// <summary>Waits until the count reaches <paramref name="expected"/>, then keeps watching to catch a late duplicate.</summary>
    public static async Task<int> SettledEffectsAsync(this IHost host, string key, int expected, TimeSpan? settle = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && await host.EffectsAsync(key) < expected)
            await Task.Delay(100);
        await Task.Delay(settle ?? TimeSpan.FromSeconds(2));
        return await host.EffectsAsync(key);
    }

    public static FeedbackReceived Feedback(string key) =>
        new(key, [new FeedbackItem(Guid.NewGuid(), "yes")], Guid.NewGuid(), DateTimeOffset.UtcNow);
}

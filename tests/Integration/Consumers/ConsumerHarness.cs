using MassTransit;
using MassTransit.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MlOps.ServiceDefaults;
using MlOps.ServiceDefaults.Blobs;
using MlOps.ServiceDefaults.Outbox;

namespace MlOps.Tests.Integration.Consumers;

/// <summary>
/// One service's consumers on MassTransit's in-memory test harness, with their definitions (retry, inbox), over the
/// service's real database schema (migrations) and the blob store: the consumer's logic without a broker.
/// </summary>
public sealed class ConsumerHarness<TDbContext> : IAsyncDisposable
    where TDbContext : DbContext
{
    readonly IHost _host;

    ConsumerHarness(IHost host)
    {
        _host = host;
        Harness = host.Services.GetRequiredService<ITestHarness>();
    }

    public ITestHarness Harness { get; }
    public IServiceProvider Services => _host.Services;

    public static async Task<ConsumerHarness<TDbContext>> StartAsync(string database, string blobs, Action<IHostApplicationBuilder> service,
        Action<IBusRegistrationConfigurator> consumers)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:db"] = database,
            ["ConnectionStrings:blobs"] = blobs,
            // Transient faults are not expected here: give up on them quickly instead of waiting out an outage.
            ["Messaging:TransientRetryWindow"] = "00:00:02",
            ["Messaging:FaultRetries"] = "1",
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddBlobStore();
        builder.AddServiceDatabase<TDbContext>("db");
        service(builder);
        builder.Services.AddMassTransitTestHarness(x =>
        {
            // The machine may be busy: wait longer than the default second of inactivity before deciding nothing came.
            x.SetTestTimeouts(testTimeout: TimeSpan.FromSeconds(60), testInactivityTimeout: TimeSpan.FromSeconds(5));
            consumers(x);
        });
        var host = builder.Build();
        await host.StartAsync();
        return new ConsumerHarness<TDbContext>(host);
    }

    public async Task<T> InScopeAsync<T>(Func<TDbContext, Task<T>> work)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<TDbContext>());
    }

    /// <summary>Events the consumers queued in the outbox, of one type, in order.</summary>
    public Task<List<OutboxMessage>> OutboxAsync<TEvent>() =>
        InScopeAsync(db => db.Set<OutboxMessage>().AsNoTracking().Where(m => m.MessageType == typeof(TEvent).FullName).OrderBy(m => m.Id).ToListAsync());

    public static T Event<T>(OutboxMessage row) =>
        System.Text.Json.JsonSerializer.Deserialize<T>(row.Body, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;

    public Task<BlobInfo> PutBlobAsync(string content) =>
        Services.GetRequiredService<IBlobStore>().PutAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content)));

    /// <summary>
    /// Publishes on the in-memory bus and waits until a consumer has committed it (its inbox row exists) or, with
    /// <paramref name="expectFault"/>, until its fault is published.
    /// </summary>
    public async Task PublishAndWaitAsync<T>(T message, Guid? messageId = null, bool expectFault = false)
        where T : class
    {
        var id = messageId ?? Guid.NewGuid();
        await Harness.Bus.Publish(message, ctx => ctx.MessageId = id);
        if (expectFault)
            Assert.True(await Harness.Published.Any<Fault<T>>(f => f.Context.Message.FaultedMessageId == id), $"{typeof(T).Name} {id} did not fault");
        else
            await Infrastructure.Eventually.UntilAsync(() => InScopeAsync(db => db.Set<InboxMessage>().AnyAsync(m => m.MessageId == id)),
                TimeSpan.FromSeconds(60), $"{typeof(T).Name} {id} being handled");
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}

using MassTransit;
using MassTransit.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MlOps.Contracts;
using MlOps.Ingestion;
using MlOps.Ingestion.Consumers;
using MlOps.Ingestion.Data;
using MlOps.ServiceDefaults.Outbox;
using MlOps.Tests.Integration.Infrastructure;

namespace MlOps.Tests.Integration.Consumers;

/// <summary>Ingestion's consumers on the in-memory harness over Ingestion's real schema.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class IngestionConsumerTests(InfrastructureFixture infra)
{
    async Task<ConsumerHarness<IngestionDbContext>> StartAsync() =>
        await ConsumerHarness<IngestionDbContext>.StartAsync(await infra.CreateDatabaseAsync("ingestion"), await infra.CreateDatabaseAsync("blobs"), b =>
        {
            b.Services.AddOptions<IngestionOptions>();
            b.Services.AddScoped<BatchReceiver>();
        }, x =>
        {
            x.AddConsumer<SubmitBatchConsumer, SubmitBatchConsumerDefinition>();
            x.AddConsumer<RecordValidationResultConsumer, RecordValidationResultConsumerDefinition>();
        });

    static string Dataset() => "h-" + Guid.NewGuid().ToString("N")[..10];

    static async Task<Batch> SeedBatchAsync(ConsumerHarness<IngestionDbContext> h, string dataset, long rows)
    {
        var batch = new Batch
        {
            Id = Guid.NewGuid(), Dataset = dataset, ContentHash = "sha256:" + Guid.NewGuid().ToString("N"), Format = "csv", Rows = rows,
            Status = BatchStatus.Arrived, Source = "test", CorrelationId = Guid.NewGuid(), ReceivedAt = DateTimeOffset.UtcNow,
        };
        await h.InScopeAsync(db => { db.Batches.Add(batch); return db.SaveChangesAsync(); });
        return batch;
    }

    static DataValidated Validated(Batch b) => new(b.Id, b.Dataset, b.ContentHash, Guid.NewGuid(), b.Rows, [], [], b.CorrelationId, DateTimeOffset.UtcNow);

    [Fact]
    public async Task A_submitted_batch_is_stored_under_the_senders_correlation_id_and_its_DataArrived_queued()
    {
        await using var h = await StartAsync();
        var dataset = Dataset();
        var correlationId = Guid.NewGuid();

        await h.PublishAndWaitAsync(new BatchSubmitted(dataset, BatchFormats.Csv, "a,b\n1,x\n2,y\n", null, "erp", "k-1", correlationId, DateTimeOffset.UtcNow));

        var batch = await h.InScopeAsync(db => db.Batches.SingleAsync(b => b.Dataset == dataset));
        Assert.Equal((correlationId, 2L, BatchStatus.Arrived), (batch.CorrelationId, batch.Rows, batch.Status));
        var arrived = Assert.Single(await h.OutboxAsync<DataArrived>());
        Assert.Equal(correlationId, arrived.CorrelationId);
        Assert.Equal(batch.Id, ConsumerHarness<IngestionDbContext>.Event<DataArrived>(arrived).BatchId);
        Assert.False(await h.Harness.Published.Any<Fault<BatchSubmitted>>());
    }

    [Fact]
    public async Task A_submitted_batchs_DataArrived_continues_the_senders_trace()
    {
        await using var h = await StartAsync();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = s => s.Name is "MassTransit" or "upstream",
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        using var source = new System.Diagnostics.ActivitySource("upstream");
        var dataset = Dataset();
        string traceId;

        using (var upstream = source.StartActivity("upstream publishes a batch"))
        {
            traceId = upstream!.TraceId.ToString();
            await h.PublishAndWaitAsync(new BatchSubmitted(dataset, BatchFormats.Csv, "a\n1\n", null, "erp", null, Guid.NewGuid(), DateTimeOffset.UtcNow));
        }

        var arrived = Assert.Single(await h.OutboxAsync<DataArrived>());
        Assert.Contains(traceId, arrived.TraceParent);
    }

    [Fact]
    public async Task A_submission_naming_no_usable_data_is_answered_with_DataRejected()
    {
        await using var h = await StartAsync();

        await h.PublishAndWaitAsync(new BatchSubmitted(Dataset(), "xlsx", "a\n1\n", null, "erp", null, Guid.NewGuid(), DateTimeOffset.UtcNow));

        var rejected = ConsumerHarness<IngestionDbContext>.Event<DataRejected>(Assert.Single(await h.OutboxAsync<DataRejected>()));
        Assert.Equal("invalid_submission", rejected.Anomalies[0].Kind);
    }

    [Fact]
    public async Task Validated_batches_append_versions_with_their_rows_and_queue_DatasetVersionCreated()
    {
        await using var h = await StartAsync();
        var dataset = Dataset();
        var first = await SeedBatchAsync(h, dataset, 3);
        var second = await SeedBatchAsync(h, dataset, 5);

        await h.PublishAndWaitAsync(Validated(first));
        await h.PublishAndWaitAsync(Validated(second));

        var versions = await h.InScopeAsync(db => db.Versions.Where(v => v.Dataset == dataset).OrderBy(v => v.Number).ToListAsync());
        Assert.Equal([1, 2], versions.Select(v => v.Number));
        Assert.Equal([3L, 5L], versions[1].BatchRows);
        var created = (await h.OutboxAsync<DatasetVersionCreated>()).Select(ConsumerHarness<IngestionDbContext>.Event<DatasetVersionCreated>).ToList();
        Assert.Equal([1, 2], created.Select(c => c.Number));
        Assert.Equal([first.ContentHash, second.ContentHash], created[1].BatchHashes);
        Assert.Equal(8, created[1].Rows);
        Assert.Equal(versions[1].Hash, created[1].Hash);
        Assert.Equal(second.CorrelationId, created[1].CorrelationId);
    }

    [Fact]
    public async Task A_late_rejection_of_a_validated_batch_changes_nothing()
    {
        await using var h = await StartAsync();
        var batch = await SeedBatchAsync(h, Dataset(), 4);
        await h.PublishAndWaitAsync(Validated(batch));

        await h.PublishAndWaitAsync(new DataRejected(batch.Id, batch.Dataset, batch.ContentHash, Guid.NewGuid(), [], batch.CorrelationId, DateTimeOffset.UtcNow));

        Assert.Equal(BatchStatus.Validated, (await h.InScopeAsync(db => db.Batches.SingleAsync(b => b.Id == batch.Id))).Status);
        Assert.Single(await h.OutboxAsync<DatasetVersionCreated>());
    }

    [Fact]
    public async Task A_result_for_an_unknown_batch_goes_to_the_error_queue_at_once_with_the_reason()
    {
        await using var h = await StartAsync();
        var unknown = new Batch { Id = Guid.NewGuid(), Dataset = Dataset(), ContentHash = "sha256:00", Format = "csv", Status = "", Source = "" };

        await h.PublishAndWaitAsync(Validated(unknown), expectFault: true);

        var fault = await h.Harness.Published.SelectAsync<Fault<DataValidated>>().First();
        Assert.Contains("unknown batch", fault.Context.Message.Exceptions[0].Message);
        // Not retried: the consumer saw the message once.
        Assert.Single(h.Harness.GetConsumerHarness<RecordValidationResultConsumer>().Consumed.Select<DataValidated>());
    }

    [Fact]
    public async Task The_same_result_delivered_twice_is_recorded_once()
    {
        await using var h = await StartAsync();
        var batch = await SeedBatchAsync(h, Dataset(), 2);
        var messageId = Guid.NewGuid();

        long duplicates = 0;
        using var listener = MetricsProbe.Listen("mlops.inbox.duplicates", v => Interlocked.Add(ref duplicates, v));

        await h.PublishAndWaitAsync(Validated(batch), messageId);
        await h.Harness.Bus.Publish(Validated(batch) with { ReportId = Guid.NewGuid() }, ctx => ctx.MessageId = messageId);
        await Eventually.UntilAsync(() => Task.FromResult(Interlocked.Read(ref duplicates) >= 1), TimeSpan.FromSeconds(30), "the second delivery reaching the inbox");

        Assert.Single(await h.OutboxAsync<DatasetVersionCreated>());
        Assert.Equal(1, await h.InScopeAsync(db => db.Set<InboxMessage>().CountAsync(m => m.MessageId == messageId && m.Consumer == nameof(RecordValidationResultConsumer))));
    }
}

using MassTransit;
using MassTransit.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MlOps.Contracts;
using MlOps.ServiceDefaults.Batches;
using MlOps.Tabular;
using MlOps.Tests.Integration.Infrastructure;
using MlOps.Validation;
using MlOps.Validation.Consumers;
using MlOps.Validation.Data;

namespace MlOps.Tests.Integration.Consumers;

/// <summary>Validation's consumer on the in-memory harness over Validation's real schema and the blob store.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class ValidationConsumerTests(InfrastructureFixture infra)
{
    async Task<ConsumerHarness<ValidationDbContext>> StartAsync() =>
        await ConsumerHarness<ValidationDbContext>.StartAsync(await infra.CreateDatabaseAsync("validation"), await infra.CreateDatabaseAsync("blobs"), b =>
        {
            b.Services.AddSingleton(new TabularLimits());
            b.Services.AddScoped<BatchValidator>();
        }, x => x.AddConsumer<ValidateBatchConsumer, ValidateBatchConsumerDefinition>());

    static string Dataset() => "h-" + Guid.NewGuid().ToString("N")[..10];

    static DataArrived Arrived(string dataset, string blob, long rows) =>
        new(Guid.NewGuid(), dataset, blob, BatchFormats.Csv, rows, [], "test", blob, Guid.NewGuid(), DateTimeOffset.UtcNow);

    [Fact]
    public async Task An_arrived_batch_is_validated_its_report_kept_its_schema_inferred_and_DataValidated_queued_under_its_correlation_id()
    {
        await using var h = await StartAsync();
        var dataset = Dataset();
        var blob = await h.PutBlobAsync("x,c\n1,a\n2,b\n3,a\n4,b\n");
        var arrived = Arrived(dataset, blob.Key, 4);

        await h.PublishAndWaitAsync(arrived);

        var report = await h.InScopeAsync(db => db.Reports.SingleAsync(r => r.BatchId == arrived.BatchId));
        Assert.Equal(("validated", 4L), (report.Outcome, report.Rows));
        var state = await h.InScopeAsync(db => db.Datasets.SingleAsync(d => d.Dataset == dataset));
        Assert.Equal((1, 1L, "inferred"), (state.SchemaVersion, state.AcceptedBatches, state.SchemaSource));
        var row = Assert.Single(await h.OutboxAsync<DataValidated>());
        Assert.Equal(arrived.CorrelationId, row.CorrelationId);
        Assert.Equal(report.Id, ConsumerHarness<ValidationDbContext>.Event<DataValidated>(row).ReportId);
        Assert.False(await h.Harness.Published.Any<Fault<DataArrived>>());
    }

    [Fact]
    public async Task A_ragged_batch_is_rejected_and_leaves_the_accepted_history_alone()
    {
        await using var h = await StartAsync();
        var dataset = Dataset();
        await h.PublishAndWaitAsync(Arrived(dataset, (await h.PutBlobAsync("a,b\n1,2\n3,4\n")).Key, 2));

        await h.PublishAndWaitAsync(Arrived(dataset, (await h.PutBlobAsync("a,b\n1,2\n3\n")).Key, 2));

        var rejected = ConsumerHarness<ValidationDbContext>.Event<DataRejected>(Assert.Single(await h.OutboxAsync<DataRejected>()));
        Assert.Contains(rejected.Anomalies, a => a.Kind == "ragged_row" && a.Line == 3);
        Assert.Equal(1L, (await h.InScopeAsync(db => db.Datasets.SingleAsync(d => d.Dataset == dataset))).AcceptedBatches);
    }

    [Fact]
    public async Task Batches_of_one_dataset_validated_at_once_all_join_its_history()
    {
        await using var h = await StartAsync();
        var dataset = Dataset();
        await h.PublishAndWaitAsync(Arrived(dataset, (await h.PutBlobAsync("x\n0\n1\n")).Key, 2));
        var more = new List<DataArrived>();
        for (var i = 0; i < 12; i++)
            more.Add(Arrived(dataset, (await h.PutBlobAsync($"x\n{i}\n{i + 1}\n{i + 2}\n")).Key, 3));

        await Task.WhenAll(more.Select(m => h.Harness.Bus.Publish(m)));
        await Eventually.UntilAsync(async () => await h.InScopeAsync(db => db.Reports.CountAsync(r => r.Dataset == dataset)) == 13,
            TimeSpan.FromSeconds(60), "13 reports");

        var state = await h.InScopeAsync(db => db.Datasets.SingleAsync(d => d.Dataset == dataset));
        Assert.Equal((13L, 2L + 12 * 3), (state.AcceptedBatches, state.AcceptedRows));
        Assert.Equal(2 + 12 * 3, state.History.Single(c => c.Name == "x").Count);
    }

    [Fact]
    public async Task A_DataArrived_naming_a_missing_blob_goes_to_the_error_queue_at_once()
    {
        await using var h = await StartAsync();
        var arrived = Arrived(Dataset(), "sha256:" + new string('0', 64), 1);

        await h.PublishAndWaitAsync(arrived, expectFault: true);

        var fault = await h.Harness.Published.SelectAsync<Fault<DataArrived>>().First();
        Assert.Contains("not in the blob store", fault.Context.Message.Exceptions[0].Message);
        Assert.Empty(await h.OutboxAsync<DataValidated>());
    }
}

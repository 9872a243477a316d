using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MassTransit;
using MlOps.Contracts;
using MlOps.Tests.Integration.Infrastructure;

namespace MlOps.Tests.Integration.DataPlane;

/// <summary>PostgreSQL goes away for longer than a quick retry budget: requests get a clear 503 and accepted work finishes afterwards.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class OutageTests(InfrastructureFixture infra)
{
    [Fact]
    public async Task During_a_database_outage_posts_get_503_and_a_batch_submitted_on_the_bus_is_ingested_and_validated_afterwards()
    {
        var slice = await infra.SliceAsync();
        var dataset = "outage-" + Guid.NewGuid().ToString("N")[..10];
        var correlationId = Guid.NewGuid();
        await using var bus = await TestBus.StartAsync(infra.Messaging);

        await infra.PostgresOutageAsync(async () =>
        {
            using var response = await slice.Ingestion.Client.PostAsync($"datasets/{dataset}/batches", new StringContent("a,b\n1,2\n", Encoding.UTF8, "text/csv"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(response.Headers.RetryAfter);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Contains("ingestiondb", problem.GetProperty("detail").GetString());

            await bus.Bus.Publish(new BatchSubmitted(dataset, BatchFormats.Csv, "n,label\n1,a\n2,b\n", null, "upstream-erp", "outage-1", correlationId, DateTimeOffset.UtcNow));
            // Longer than the old retry budget (5 attempts, about 13 s): the submission must still be waiting, not parked.
            await Task.Delay(TimeSpan.FromSeconds(20));
        });

        JsonElement batch = default;
        await Eventually.UntilAsync(async () =>
        {
            using var response = await slice.Ingestion.Client.GetAsync($"datasets/{dataset}/batches");
            if (response.StatusCode != HttpStatusCode.OK)
                return false;
            var list = (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().ToList();
            if (list.Count == 0 || list[0].GetProperty("status").GetString() == "arrived")
                return false;
            batch = list[0];
            return true;
        }, TimeSpan.FromSeconds(90), "the submitted batch being ingested and validated after the outage");
        Assert.Equal("validated", batch.GetProperty("status").GetString());
    }
}

/// <summary>A bare MassTransit bus on the test broker, standing in for an upstream system.</summary>
public sealed class TestBus : IAsyncDisposable
{
    TestBus(IBusControl bus) => Bus = bus;

    public IBusControl Bus { get; }

    public static async Task<TestBus> StartAsync(string messaging)
    {
        var bus = Broker.Create(messaging);
        await bus.StartAsync();
        return new TestBus(bus);
    }

    public async ValueTask DisposeAsync() => await Bus.StopAsync();
}

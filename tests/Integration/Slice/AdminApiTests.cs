using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MlOps.Contracts;
using MlOps.Tests.Integration.Infrastructure;
using Npgsql;

namespace MlOps.Tests.Integration.Slice;

/// <summary>The messaging operations every service answers: failed outbox rows and parked messages.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class AdminApiTests(InfrastructureFixture infra)
{
    [Fact]
    public async Task A_failed_outbox_row_is_listed_and_published_again_on_retry()
    {
        var slice = await infra.SliceAsync();
        var messageId = Guid.NewGuid();
        var body = JsonSerializer.Serialize(new FeedbackReceived("admin-" + messageId.ToString("N")[..8], [], Guid.NewGuid(), DateTimeOffset.UtcNow), new JsonSerializerOptions(JsonSerializerDefaults.Web));
        await using (var conn = new NpgsqlConnection(slice.IngestionDatabase))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("""
                INSERT INTO outbox_messages ("MessageId", "MessageType", "Body", "CreatedAt", "Attempts", "LastError", "FailedAt")
                VALUES ($1, $2, $3::jsonb, now(), 30, 'broker unreachable', now())
                """, conn);
            cmd.Parameters.AddWithValue(messageId);
            cmd.Parameters.AddWithValue(typeof(FeedbackReceived).FullName!);
            cmd.Parameters.AddWithValue(body);
            await cmd.ExecuteNonQueryAsync();
        }

        var failed = await slice.Ingestion.Client.GetFromJsonAsync<JsonElement>("admin/outbox?state=failed");
        var row = failed.EnumerateArray().Single(r => r.GetProperty("messageId").GetGuid() == messageId);
        Assert.Equal("broker unreachable", row.GetProperty("lastError").GetString());

        using var retry = await slice.Ingestion.Client.PostAsync($"admin/outbox/retry?id={row.GetProperty("id").GetInt64()}", null);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(1, (await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("retried").GetInt32());
        await Eventually.UntilAsync(async () =>
        {
            await using var conn = new NpgsqlConnection(slice.IngestionDatabase);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("""SELECT "SentAt" IS NOT NULL FROM outbox_messages WHERE "MessageId" = $1""", conn);
            cmd.Parameters.AddWithValue(messageId);
            return (bool)(await cmd.ExecuteScalarAsync())!;
        }, TimeSpan.FromSeconds(30), "the retried row being sent");
    }

    [Fact]
    public async Task Each_service_lists_its_own_error_queues_and_refuses_to_replay_another_services()
    {
        var slice = await infra.SliceAsync();

        var ingestion = await slice.Ingestion.Client.GetFromJsonAsync<JsonElement>("admin/error-queues");
        var validation = await slice.Validation!.Client.GetFromJsonAsync<JsonElement>("admin/error-queues");

        Assert.Equal(["record-validation-result", "submit-batch"], ingestion.EnumerateArray().Select(q => q.GetProperty("queue").GetString()).Order());
        Assert.Equal(["validate-batch"], validation.EnumerateArray().Select(q => q.GetProperty("queue").GetString()));
        using var foreign = await slice.Ingestion.Client.PostAsync("admin/error-queues/validate-batch/replay", null);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Contains("submit-batch", (await foreign.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MlOps.Tests.Integration.Infrastructure;

namespace MlOps.Tests.Integration.Slice;

/// <summary>Write endpoints need the platform's API key, checked before the body is read; reads and health stay open unless configured.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class ApiKeyTests(InfrastructureFixture infra)
{
    static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");

    [Fact]
    public async Task A_write_without_the_key_is_refused_whatever_its_body_and_nothing_is_stored()
    {
        var slice = await infra.SliceAsync();
        var dataset = "keyless-" + Guid.NewGuid().ToString("N")[..6];

        using (var none = await slice.Ingestion.Anonymous.PostAsync($"datasets/{dataset}/batches", Csv("a,b\n1,2\n")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
            Assert.Equal("application/problem+json", none.Content.Headers.ContentType?.MediaType);
            Assert.Contains("X-Api-Key", (await none.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
            Assert.Contains(none.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        }
        // A body that would be a 400 with the key is still a 401 without it: the key is checked first.
        using (var garbage = await slice.Ingestion.Anonymous.PostAsync($"datasets/{dataset}/batches", new ByteArrayContent([0xff, 0xfe, 0x00])))
            Assert.Equal(HttpStatusCode.Unauthorized, garbage.StatusCode);
        using (var wrong = new HttpRequestMessage(HttpMethod.Post, $"datasets/{dataset}/batches") { Content = Csv("a,b\n1,2\n") })
        {
            wrong.Headers.Add("X-Api-Key", "not-the-key");
            using var response = await slice.Ingestion.Anonymous.SendAsync(wrong);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains("not this platform's key", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        }
        using (var stored = await slice.Ingestion.Anonymous.GetAsync($"datasets/{dataset}/batches"))
        {
            // Reads are open by default, and nothing refused was stored.
            Assert.True(stored.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"got {(int)stored.StatusCode}");
            if (stored.StatusCode == HttpStatusCode.OK)
                Assert.Empty((await stored.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray());
        }

        // The same key as a bearer token is accepted.
        using var bearer = new HttpRequestMessage(HttpMethod.Post, $"datasets/{dataset}/batches") { Content = Csv("a,b\n1,2\n") };
        bearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ServiceProcess.ApiKey);
        using (var accepted = await slice.Ingestion.Anonymous.SendAsync(bearer))
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);

        // Health and the OpenAPI description stay open; the admin endpoints need the key even to read.
        using (var health = await slice.Ingestion.Anonymous.GetAsync("health"))
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using (var openApi = await slice.Ingestion.Anonymous.GetAsync("openapi/v1.json"))
            Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        using (var admin = await slice.Ingestion.Anonymous.GetAsync("admin/error-queues"))
            Assert.Equal(HttpStatusCode.Unauthorized, admin.StatusCode);
    }

    [Fact]
    public async Task A_service_without_a_configured_key_refuses_writes_and_can_close_reads()
    {
        var slice = await infra.SliceAsync();
        await using var closed = await slice.StartIngestionAsync(infra, new Dictionary<string, string>
        {
            ["Security__ApiKey"] = "",
            ["Security__RequireKeyForReads"] = "true",
        });
        using (var write = await closed.Client.PostAsync("datasets/closed/batches", Csv("a\n1\n")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, write.StatusCode);
            Assert.Contains("no API key configured", (await write.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        }
        using (var read = await closed.Anonymous.GetAsync("datasets"))
            Assert.Equal(HttpStatusCode.Unauthorized, read.StatusCode);
        using (var health = await closed.Anonymous.GetAsync("health"))
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace MlOps.Tests.Integration.Infrastructure;

/// <summary>Posting batches to Ingestion and waiting for Validation's decision.</summary>
public static class Batches
{
    public static string Csv(string header, IEnumerable<string> rows) => header + "\n" + string.Join("\n", rows) + "\n";

    public static async Task<JsonElement> PostAndWaitAsync(SliceServices slice, string dataset, string csv)
    {
        using var response = await slice.Ingestion.Client.PostAsync($"datasets/{dataset}/batches", new StringContent(csv, Encoding.UTF8, "text/csv"));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"expected 202, got {(int)response.StatusCode}: {body}");
        return await WaitAsync(slice, body.GetProperty("batchId").GetGuid(), dataset);
    }

    /// <summary>Polls the batch until Validation has decided it.</summary>
    public static async Task<JsonElement> WaitAsync(SliceServices slice, Guid batchId, string dataset)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var batch = await slice.Ingestion.Client.GetFromJsonAsync<JsonElement>($"datasets/{dataset}/batches/{batchId}");
            if (batch.GetProperty("status").GetString() != "arrived")
                return batch;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"batch {batchId} was not validated within 30 s: {batch}\nValidation's last output:\n"
                    + string.Join('\n', slice.Validation?.Output.TakeLast(40) ?? []));
            await Task.Delay(200);
        }
    }
}

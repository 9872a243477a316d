using System.Buffers;
using System.Text.Json;
using MlOps.Serving.Models;

namespace MlOps.Serving.Apis;

/// <summary>Writes a <see cref="PredictResponse"/> straight to the response body: no intermediate objects per prediction.</summary>
sealed class PredictResult(LoadedModel model, Guid[] ids, double[] outputs) : IResult
{
    public async Task ExecuteAsync(HttpContext http)
    {
        // Written to a buffer first so the response carries a Content-Length (no chunked framing) and goes out in one write.
        var buffer = new ArrayBufferWriter<byte>(256 + ids.Length * (64 + model.OutputCount * 32));
        using (var w = new Utf8JsonWriter(buffer))
            Write(w);
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.ContentLength = buffer.WrittenCount;
        await http.Response.Body.WriteAsync(buffer.WrittenMemory, http.RequestAborted);
    }

    void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("model"u8, model.Model);
        w.WriteNumber("version"u8, model.Version);
        w.WriteStartArray("predictions"u8);
        var k = model.OutputCount;
        for (var r = 0; r < ids.Length; r++)
        {
            var row = outputs.AsSpan(r * k, k);
            w.WriteStartObject();
            if (model.IsRegression)
            {
                w.WriteNumber("value"u8, row[0]);
            }
            else
            {
                w.WriteString("label"u8, model.ClassNames[LoadedModel.ArgMax(row)]);
                w.WriteStartObject("probabilities"u8);
                for (var c = 0; c < k; c++)
                    w.WriteNumber(model.ClassNames[c], row[c]);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("predictionIds"u8);
        foreach (var id in ids)
            w.WriteStringValue(id);
        w.WriteEndArray();
        w.WriteEndObject();
    }
}

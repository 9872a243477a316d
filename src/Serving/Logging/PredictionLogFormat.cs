using System.Text.Json;

namespace MlOps.Serving.Logging;

/// <summary>One line of a prediction log window, exactly as docs/prediction-logs.md describes it.</summary>
public static class PredictionLogFormat
{
    public static void WriteLine(Utf8JsonWriter w, LoggedPredictions p, int row)
    {
        var model = p.Model;
        w.WriteStartObject();
        w.WriteString("id"u8, p.Ids[row]);
        w.WriteString("at"u8, p.At.UtcDateTime);
        w.WriteNumber("version"u8, model.Version);
        w.WritePropertyName("inputs"u8);
        w.WriteStartObject();
        var rows = p.Rows;
        var offset = row * rows.Width;
        for (var i = 0; i < rows.Width; i++)
        {
            w.WritePropertyName(model.Inputs[i].JsonName);
            switch (rows.Kinds[offset + i])
            {
                case JsonValueKind.Number: w.WriteNumberValue(rows.Inputs[offset + i]); break;
                case JsonValueKind.String: w.WriteStringValue(rows.Texts[offset + i]); break;
                case JsonValueKind.True: w.WriteBooleanValue(true); break;
                case JsonValueKind.False: w.WriteBooleanValue(false); break;
                default: w.WriteNullValue(); break;
            }
        }
        w.WriteEndObject();
        var k = model.OutputCount;
        var outputs = p.Outputs.AsSpan(row * k, k);
        if (model.IsRegression)
        {
            w.WriteNumber("prediction"u8, outputs[0]);
        }
        else
        {
            w.WriteString("prediction"u8, model.ClassNames[Models.LoadedModel.ArgMax(outputs)]);
            w.WritePropertyName("probabilities"u8);
            w.WriteStartObject();
            for (var c = 0; c < k; c++)
                w.WriteNumber(model.ClassNames[c], outputs[c]);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }
}

using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using MlOps.Cli.Platform;
using MlOps.Learning;
using MlOps.Learning.Artifacts;
using MlOps.Learning.Data;

namespace MlOps.Cli;

/// <summary>
/// <c>mlops predict</c>: one prediction per row, from a local artifact or a platform model: <c>NAME</c> asks Serving
/// (the champion), <c>NAME@VERSION</c> downloads that version's artifact from the Registry and scores locally.
/// </summary>
internal static class PredictCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Option<string>("--model") { Description = "Model artifact (.mlm), or a platform model NAME (served champion) or NAME@VERSION (scored here).", Required = true };
        var data = new Option<string>("--data") { Description = "Rows to predict (CSV, or NDJSON by extension).", Required = true };
        var output = new Option<string?>("--out") { Description = "Where to write predictions (CSV); standard output if omitted." };
        var json = PlatformCommand.JsonOption();
        var command = new Command("predict", "Predict with a saved model or a platform model.") { model, data, output, json };
        PlatformCommand.SetAction(command, context, async run =>
        {
            var reference = ModelRef.Parse(run.Get(model));
            var dataPath = run.Get(data);
            Result result;
            if (reference.IsLocal)
            {
                TrainedModel m;
                using (var s = File.OpenRead(reference.Path!)) m = ModelArtifact.Read(s);
                result = Local(m, dataPath, reference.Path!, null, null);
            }
            else if (reference.Version is { } version)
            {
                var (m, hash) = await ArtifactDownload.LoadAsync(run.Client, reference.Name!, version, run.Cancellation);
                run.Error.WriteLine($"{reference}: artifact {hash} verified, scoring here");
                result = Local(m, dataPath, reference.Name!, version, hash);
            }
            else
                result = await ServedAsync(run, reference.Name!, dataPath);

            var outPath = run.Get(output);
            var text = run.Get(json) ? Output.JsonText(result.Json) + "\n" : result.Csv;
            if (outPath is null) run.Out.Write(text);
            else
            {
                await File.WriteAllTextAsync(outPath, text, run.Cancellation);
                (run.Get(json) ? run.Error : run.Out).WriteLine($"{result.Count} predictions written to {outPath}");
            }
            return 0;
        });
        return command;
    }

    sealed record Result(int Count, string Csv, JsonObject Json);

    static Result Local(TrainedModel m, string dataPath, string name, int? version, string? hash)
    {
        // Read columns as the model's schema says, so e.g. numeric-looking category codes stay categories.
        var types = m.InputSchema.ToDictionary(c => c.Name, c => c.Type is ColumnType.Integer ? ColumnType.Float : c.Type);
        var frame = DataFiles.Read(dataPath, new CsvReadOptions { ColumnTypes = types });
        var p = m.Predict(frame);
        var predictions = new JsonArray();
        for (var r = 0; r < p.Count; r++)
        {
            if (m.Task == TaskKind.Regression)
            {
                predictions.Add(new JsonObject { ["value"] = p.Row(r)[0] });
                continue;
            }
            var probabilities = new JsonObject();
            var row = p.Row(r);
            for (var c = 0; c < p.Classes.Length; c++)
                probabilities[p.Classes[c]] = row[c];
            predictions.Add(new JsonObject { ["label"] = p.Label(r), ["probabilities"] = probabilities });
        }
        var json = new JsonObject { ["model"] = name, ["version"] = version, ["artifactHash"] = hash, ["predictions"] = predictions };
        return new Result(p.Count, Format(m, p), json);
    }

    /// <summary>Serving's <c>POST /models/{model}/predict {"rows":[…]}</c>, the rows read from the file as JSON values.</summary>
    static async Task<Result> ServedAsync(Invocation run, string model, string dataPath)
    {
        var rows = JsonRows.Read(dataPath);
        var answer = await run.Client.SendJsonAsync(PlatformService.Serving, HttpMethod.Post, $"models/{PlatformCommand.Segment(model)}/predict",
            new JsonObject { ["rows"] = rows }, ct: run.Cancellation) as JsonObject
            ?? throw new PlatformException($"Serving answered predict for {model} without a body.");
        run.Error.WriteLine($"{model}: {rows.Count} rows predicted by v{Output.Cell(answer["version"])} (served)");
        return new Result(rows.Count, ServedCsv(answer), answer);
    }

    /// <summary>The same CSV as local predictions (prediction, p_&lt;class&gt;…), plus each prediction's id for feedback.</summary>
    public static string ServedCsv(JsonObject answer)
    {
        var predictions = Output.Items(answer["predictions"]).ToList();
        var ids = answer["predictionIds"] as JsonArray;
        var classes = predictions.Select(p => p["probabilities"]).OfType<JsonObject>().FirstOrDefault()?.Select(c => c.Key).ToList() ?? [];
        var sb = new StringBuilder("prediction");
        foreach (var c in classes) sb.Append(",p_").Append(Quote(c));
        sb.Append(",predictionId\n");
        for (var r = 0; r < predictions.Count; r++)
        {
            var p = predictions[r];
            sb.Append(Quote(p["label"] is { } label ? Output.Cell(label) : p["value"] is JsonValue v && v.TryGetValue<double>(out var d)
                ? d.ToString("G9", CultureInfo.InvariantCulture) : p.ToJsonString()));
            foreach (var c in classes)
                sb.Append(',').Append(p["probabilities"]?[c] is JsonValue pv && pv.TryGetValue<double>(out var prob) ? prob.ToString("G9", CultureInfo.InvariantCulture) : "");
            sb.Append(',').Append(ids is not null && r < ids.Count ? Output.Cell(ids[r]) : "").Append('\n');
        }
        return sb.ToString();
    }

    private static string Format(TrainedModel m, Predictions p)
    {
        var sb = new StringBuilder();
        sb.Append("prediction");
        if (m.Task != TaskKind.Regression) foreach (var c in p.Classes) sb.Append(",p_").Append(Quote(c));
        sb.Append('\n');
        for (var r = 0; r < p.Count; r++)
        {
            sb.Append(Quote(p.Label(r)));
            if (m.Task != TaskKind.Regression)
                foreach (var v in p.Row(r)) sb.Append(',').Append(v.ToString("G9", CultureInfo.InvariantCulture));
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private static string Quote(string s) => s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}

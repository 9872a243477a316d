using System.CommandLine;
using System.Globalization;
using System.Text;
using MlOps.Learning;
using MlOps.Learning.Artifacts;
using MlOps.Learning.Data;

namespace MlOps.Cli;

/// <summary><c>mlops predict</c>: apply a saved model to a file and write one prediction per row.</summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model artifact (.mlm).", Required = true };
        var data = new Option<string>("--data") { Description = "Rows to predict (CSV, or NDJSON by extension).", Required = true };
        var output = new Option<string?>("--out") { Description = "Where to write predictions (CSV); standard output if omitted." };
        var command = new Command("predict", "Predict with a saved model.") { model, data, output };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(model)!;
            if (!File.Exists(path)) throw new CliException($"Model file '{path}' does not exist.");
            TrainedModel m;
            using (var s = File.OpenRead(path)) m = ModelArtifact.Read(s);
            // Read columns as the model's schema says, so e.g. numeric-looking category codes stay categories.
            var types = m.InputSchema.ToDictionary(c => c.Name, c => c.Type is ColumnType.Integer ? ColumnType.Float : c.Type);
            var frame = DataFiles.Read(parse.GetValue(data)!, new CsvReadOptions { ColumnTypes = types });
            var predictions = m.Predict(frame);
            var csv = Format(m, predictions);
            var outPath = parse.GetValue(output);
            if (outPath is null) parse.InvocationConfiguration.Output.Write(csv);
            else
            {
                File.WriteAllText(outPath, csv);
                parse.InvocationConfiguration.Output.WriteLine($"{predictions.Count} predictions written to {outPath}");
            }
            return 0;
        });
        return command;
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

using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MlOps.Learning;
using MlOps.Learning.Artifacts;
using MlOps.Learning.Data;
using MlOps.Learning.Trainers;

namespace MlOps.Cli;

/// <summary><c>mlops train</c>: train on a file, print test (or holdout) metrics, optionally save the artifact.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Training data (CSV, or NDJSON by extension).", Required = true };
        var test = new Option<string?>("--test") { Description = "Test data; without it a holdout of --data is used." };
        var target = new Option<string>("--target") { Description = "The column to predict.", Required = true };
        var task = new Option<string>("--task") { Description = "binary | multiclass | regression.", Required = true };
        task.AcceptOnlyFromAmong("binary", "multiclass", "regression");
        var trainers = TrainerRegistry.Names.ToArray();
        var trainer = new Option<string>("--trainer")
        {
            Description = $"{string.Join(" | ", trainers)} (gbdt, logistic, linear: own engine; lightgbm, lbfgs: ML.NET).",
            DefaultValueFactory = _ => TrainerNames.Gbdt,
        };
        trainer.AcceptOnlyFromAmong(trainers);
        var param = new Option<string[]>("--param") { Description = "Hyperparameter as name=value; repeat for more.", AllowMultipleArgumentsPerToken = true };
        var exclude = new Option<string[]>("--exclude") { Description = "Columns that are not features.", AllowMultipleArgumentsPerToken = true };
        var holdout = new Option<double>("--holdout") { Description = "Holdout share when there is no --test.", DefaultValueFactory = _ => 0.2 };
        var timeColumn = new Option<string?>("--split-by-time") { Description = "Hold out the latest rows by this column instead of a random split." };
        var seed = new Option<int>("--seed") { Description = "Seed for splits and sampling.", DefaultValueFactory = _ => 42 };
        var threads = new Option<int>("--threads") { Description = "Threads (0 = all cores); results do not depend on it." };
        var output = new Option<string?>("--out") { Description = "Where to write the model artifact (.mlm)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };

        var command = new Command("train", "Train a model and report its metrics.")
        {
            data, test, target, task, trainer, param, exclude, holdout, timeColumn, seed, threads, output, json,
        };
        command.SetAction(parse =>
        {
            var spec = new TrainingSpec
            {
                Target = parse.GetValue(target)!,
                Task = Enum.Parse<TaskKind>(parse.GetValue(task)!, ignoreCase: true),
                Trainer = parse.GetValue(trainer)!,
                Parameters = ParseParams(parse.GetValue(param) ?? []),
                Exclude = parse.GetValue(exclude) ?? [],
                Seed = parse.GetValue(seed),
                MaxDegreeOfParallelism = parse.GetValue(threads),
            };
            var h = parse.GetValue(holdout);
            if (h is <= 0 or >= 1) throw new CliException($"--holdout must be between 0 and 1 (exclusive), got {h.ToString(CultureInfo.InvariantCulture)}.");
            var testPath = parse.GetValue(test);
            if (testPath is not null && !File.Exists(testPath)) throw new CliException($"Data file '{testPath}' does not exist.");
            var load = System.Diagnostics.Stopwatch.StartNew();
            TabularFrame? trainFrame = DataFiles.Read(parse.GetValue(data)!);
            var loadSeconds = load.Elapsed.TotalSeconds;
            // The reader's buffers go back before training starts: training's peak is then the data, not the data plus them.
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            if (!trainFrame.Contains(spec.Target))
                throw new CliException($"Unknown target column '{spec.Target}'. Columns: {string.Join(", ", trainFrame.Columns.Select(c => c.Name))}.");
            Evaluation evaluation;
            if (testPath is null)
                evaluation = Trainer.TrainAndEvaluate(trainFrame, null, spec, h, parse.GetValue(timeColumn));
            else
            {
                // The test file is read once the model is trained, so the two data sets are never in memory together.
                var trainRows = trainFrame.RowCount;
                var sw = System.Diagnostics.Stopwatch.StartNew();
                var model = Trainer.Train(trainFrame, spec);
                var trainSeconds = sw.Elapsed.TotalSeconds;
                trainFrame = null;
                // Give the training data and the trainer's working memory back before the test file is read.
                GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                load.Restart();
                var testFrame = DataFiles.Read(testPath);
                loadSeconds += load.Elapsed.TotalSeconds;
                var metrics = Trainer.Evaluate(model, testFrame);
                evaluation = new Evaluation(model.WithMetrics(metrics), metrics, trainRows, testFrame.RowCount, trainSeconds);
            }
            var outPath = parse.GetValue(output);
            string? hash = null;
            if (outPath is not null)
            {
                var bytes = ModelArtifact.ToBytes(evaluation.Model);
                File.WriteAllBytes(outPath, bytes);
                hash = ModelArtifact.ContentHash(bytes);
            }
            var writer = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json)) WriteJson(writer, evaluation, spec, outPath, hash, loadSeconds);
            else WriteTable(writer, evaluation, spec, outPath, hash);
            return 0;
        });
        return command;
    }

    private static Dictionary<string, string> ParseParams(string[] values)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var v in values)
        {
            var eq = v.IndexOf('=');
            if (eq <= 0 || eq == v.Length - 1) throw new CliException($"--param '{v}' is not name=value.");
            result[v[..eq].Trim()] = v[(eq + 1)..].Trim();
        }
        return result;
    }

    private static void WriteTable(TextWriter w, Evaluation e, TrainingSpec spec, string? path, string? hash)
    {
        w.WriteLine($"{spec.Trainer} {spec.Task.ToString().ToLowerInvariant()} on '{spec.Target}': trained on {e.TrainRows} rows in {e.TrainSeconds:F2} s, tested on {e.TestRows} rows");
        foreach (var (name, value) in e.Metrics) w.WriteLine($"  {name,-10} {value.ToString("F4", CultureInfo.InvariantCulture)}");
        if (path is not null) w.WriteLine($"model written to {path} ({hash})");
    }

    private static void WriteJson(TextWriter w, Evaluation e, TrainingSpec spec, string? path, string? hash, double loadSeconds)
    {
        using var ms = new MemoryStream();
        using (var j = new Utf8JsonWriter(ms))
        {
            j.WriteStartObject();
            j.WriteString("trainer", spec.Trainer);
            j.WriteString("task", spec.Task.ToString().ToLowerInvariant());
            j.WriteString("target", spec.Target);
            j.WriteStartObject("metrics");
            foreach (var (name, value) in e.Metrics)
            {
                if (double.IsFinite(value)) j.WriteNumber(name, value);
                else j.WriteNull(name);
            }
            j.WriteEndObject();
            j.WriteNumber("loadSeconds", loadSeconds);
            j.WriteNumber("trainSeconds", e.TrainSeconds);
            j.WriteNumber("trainRows", e.TrainRows);
            j.WriteNumber("testRows", e.TestRows);
            if (path is not null) { j.WriteString("model", path); j.WriteString("artifactHash", hash); }
            j.WriteEndObject();
        }
        w.WriteLine(System.Text.Encoding.UTF8.GetString(ms.ToArray()));
    }
}

using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MlOps.Tabular;

namespace MlOps.Cli.Platform;

/// <summary>
/// <c>mlops demo</c>: replays weather.csv against the platform as an upstream system would, so the continuous-training
/// loop happens in front of the operator: the first location's history as labelled batches (the first champion is
/// trained and promoted), its next year as predictions (no drift), then the switch to the second location —
/// predictions for each stretch of days followed by its labels — until drift is detected, the model retrained and the
/// new version promoted; a last stretch is served by it. The model's pipeline must exist (the AppHost applies
/// <c>pipelines/weather.json</c>); its dataset names where the batches go.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Option<string>("--model") { Description = "The model (= pipeline) to drive.", DefaultValueFactory = _ => "weather" };
        var data = new Option<string>("--data") { Description = "weather.csv: location,date,… with two locations, the first one's years before the second's.", Required = true };
        var days = new Option<int>("--days") { Description = "Days per batch and per prediction request.", DefaultValueFactory = _ => 7 };
        var pause = new Option<double>("--pause") { Description = "Seconds between requests, so the loop can be watched.", DefaultValueFactory = _ => 1.0 };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for each step of the platform (a champion, a drift window).", DefaultValueFactory = _ => 300 };
        var command = new Command("demo", "Replay weather.csv against the platform: a first champion, drift at the switch of location, a retrained champion.")
        {
            model, data, days, pause, timeout,
        };
        PlatformCommand.SetAction(command, context, async run =>
        {
            if (run.Get(days) < 1)
                throw new CliException("--days must be at least 1.");
            var demo = new Demo(run, run.Get(model), TimeSpan.FromSeconds(Math.Max(0, run.Get(pause))), TimeSpan.FromSeconds(run.Get(timeout)));
            await demo.RunAsync(Read(run.Get(data)), run.Get(days));
            return 0;
        });
        return command;
    }

    /// <summary>The file's header and records, read by the platform's one CSV reader.</summary>
    internal static (List<string> Header, List<List<string>> Rows) Read(string path)
    {
        if (!File.Exists(path))
            throw new CliException($"Data file '{path}' does not exist.");
        using var reader = new StreamReader(path, Encoding.UTF8);
        var csv = new CsvRecordReader(reader);
        var header = new List<string>();
        if (!csv.TryRead(header))
            throw new CliException($"Data file '{path}' is empty.");
        if (header.IndexOf("location") != 0 || !header.Contains("date"))
            throw new CliException($"Data file '{path}' must start with a location column and have a date column (weather.csv).");
        var rows = new List<List<string>>();
        var fields = new List<string>();
        while (csv.TryRead(fields))
            if (fields.Count == header.Count)
                rows.Add([.. fields]);
        return (header, rows);
    }

    sealed class Demo(Invocation run, string model, TimeSpan pause, TimeSpan timeout)
    {
        string _dataset = "";
        List<string> _header = [];

        public async Task RunAsync((List<string> Header, List<List<string>> Rows) file, int days)
        {
            _header = file.Header;
            var date = _header.IndexOf("date");
            var locations = file.Rows.Select(r => r[0]).Distinct().ToList();
            if (locations.Count < 2)
                throw new CliException("The data holds one location: the demo switches from the first location to the second.");
            var (home, away) = (locations[0], locations[1]);
            List<List<string>> Rows(string location, Func<string, bool> year) => [.. file.Rows.Where(r => r[0] == location && year(r[date][..4]))];
            var years = file.Rows.Where(r => r[0] == home).Select(r => r[date][..4]).Distinct().Order().ToList();
            if (years.Count < 3)
                throw new CliException($"The demo needs at least three years of {home}: two of history and one to serve.");
            var served = years[^2];

            _dataset = await PipelineDatasetAsync();
            Say($"Demo of model {model} on dataset {_dataset}: {home} until {served}, then {away}.");

            Say($"1. {home}'s history (until {years[^3]}) arrives as labelled batches of {days} days.");
            foreach (var chunk in Rows(home, y => string.CompareOrdinal(y, served) < 0).Chunk(days))
                await IngestAsync(home, chunk);
            var v1 = await WaitChampionAsync(after: 0);
            Say($"   v{v1} trained and promoted: {await ChampionSummaryAsync()}");

            Say($"2. {home}, {served}: the upstream system asks the champion for predictions, {days} days at a time.");
            foreach (var chunk in Rows(home, y => y == served).Chunk(days))
                await PredictAsync(home, chunk);
            var window = await WaitWindowAsync(_ => true, "a first window of predictions");
            Say($"   Monitoring's window {window?["window"]}: drift share {window?["driftShare"]}, drift {(window?["driftDetected"]?.GetValue<bool>() == true ? "detected" : "not detected")}.");

            Say($"3. The upstream system moves to {away}: predictions for each stretch of {days} days, then its labels.");
            foreach (var chunk in Rows(away, y => y == served).Chunk(days))
            {
                await PredictAsync(away, chunk);
                await IngestAsync(away, chunk);
            }
            var drifted = await WaitWindowAsync(w => w["driftDetected"]?.GetValue<bool>() == true, "a window with drift");
            var features = (drifted?["features"] as JsonArray ?? []).Where(f => f?["drifted"]?.GetValue<bool>() == true).Select(f => f!["feature"]?.ToString());
            Say($"   Drift detected in window {drifted?["window"]}: share {drifted?["driftShare"]} ({string.Join(", ", features)}); Training retrains on the data so far.");
            var v2 = await WaitChampionAsync(after: v1);
            Say($"   v{v2} trained and promoted: {await ChampionSummaryAsync()}");

            var next = file.Rows.Where(r => r[0] == away && string.CompareOrdinal(r[date][..4], served) > 0).Take(days).ToList();
            if (next.Count > 0)
            {
                Say($"4. {away}, the next days: served by the new champion.");
                await PredictAsync(away, [.. next]);
            }
            Say($"Demo done: v{v1} → drift → v{v2}. The dashboard shows {model} under registry; its links open the lineage and the drift report.");
        }

        void Say(string line) => run.Out.WriteLine(line);

        async Task<string> PipelineDatasetAsync()
        {
            var deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                using var response = await run.Client.SendAnyStatusAsync(PlatformService.Training, HttpMethod.Get, $"pipelines/{PlatformCommand.Segment(model)}", ct: run.Cancellation);
                if (response.IsSuccessStatusCode)
                    return (await PlatformClient.ReadJsonAsync(PlatformService.Training, response, run.Cancellation))?["definition"]?["dataset"]?.ToString()
                           ?? throw new PlatformException($"Training's pipeline {model} names no dataset.");
                if (response.StatusCode != HttpStatusCode.NotFound || DateTime.UtcNow > deadline)
                    throw new CliException($"Training has no pipeline '{model}': apply pipelines/{model}.json first (mlops apply; the AppHost applies the pipelines folder at start).");
                await Task.Delay(1000, run.Cancellation);
            }
        }

        /// <summary>The rows without their location, as a CSV batch of the dataset.</summary>
        async Task IngestAsync(string location, IReadOnlyList<List<string>> rows)
        {
            using var content = new StringContent(Csv(rows), Encoding.UTF8, "text/csv");
            var batch = await run.Client.SendAsync(PlatformService.Ingestion, HttpMethod.Post, $"datasets/{PlatformCommand.Segment(_dataset)}/batches", content, ct: run.Cancellation);
            var body = await PlatformClient.ReadJsonAsync(PlatformService.Ingestion, batch, run.Cancellation);
            batch.Dispose();
            Say($"   {location} {Span(rows)}: batch of {body?["rows"]} labelled rows {body?["status"]}");
            await Task.Delay(pause, run.Cancellation);
        }

        async Task PredictAsync(string location, IReadOnlyList<List<string>> rows)
        {
            var body = new JsonObject { ["rows"] = JsonRows.FromCsv(Csv(rows), "weather") };
            var deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
                using var response = await run.Client.SendAnyStatusAsync(PlatformService.Serving, HttpMethod.Post, $"models/{PlatformCommand.Segment(model)}/predict", content, ct: run.Cancellation);
                // Serving answers 404 until it hears of the champion over the bus.
                if (response.StatusCode == HttpStatusCode.NotFound && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(500, run.Cancellation);
                    continue;
                }
                if (!response.IsSuccessStatusCode)
                {
                    var text = await response.Content.ReadAsStringAsync(run.Cancellation);
                    throw new PlatformException(PlatformClient.DescribeProblem("Serving", "POST", response.RequestMessage!.RequestUri!, (int)response.StatusCode,
                        response.ReasonPhrase, response.Content.Headers.ContentType, text), (int)response.StatusCode);
                }
                var answer = await PlatformClient.ReadJsonAsync(PlatformService.Serving, response, run.Cancellation);
                var predictions = (answer?["predictions"] as JsonArray ?? []).Select(p => p?["value"]?.GetValue<double>() ?? double.NaN).ToList();
                Say($"   {location} {Span(rows)}: {predictions.Count} predictions by v{answer?["version"]} (night lows {predictions.Min():0.0} … {predictions.Max():0.0} °C)");
                await Task.Delay(pause, run.Cancellation);
                return;
            }
        }

        async Task<int> WaitChampionAsync(int after)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                using var response = await run.Client.SendAnyStatusAsync(PlatformService.Registry, HttpMethod.Get, $"models/{PlatformCommand.Segment(model)}", ct: run.Cancellation);
                if (response.IsSuccessStatusCode &&
                    (await PlatformClient.ReadJsonAsync(PlatformService.Registry, response, run.Cancellation))?["champion"]?["version"]?.GetValue<int>() is { } v && v > after)
                    return v;
                if (DateTime.UtcNow > deadline)
                    throw new CliException($"No champion of {model} after v{after} within {timeout.TotalSeconds:0} s: see mlops runs and mlops models {model}.");
                await Task.Delay(1000, run.Cancellation);
            }
        }

        async Task<JsonNode?> WaitWindowAsync(Func<JsonNode, bool> accept, string what)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                using var response = await run.Client.SendAnyStatusAsync(PlatformService.Monitoring, HttpMethod.Get, $"models/{PlatformCommand.Segment(model)}/drift", ct: run.Cancellation);
                if (response.IsSuccessStatusCode &&
                    (await PlatformClient.ReadJsonAsync(PlatformService.Monitoring, response, run.Cancellation))?["windows"] is JsonArray windows &&
                    windows.LastOrDefault(w => w is not null && accept(w)) is { } found)
                    return found;
                if (DateTime.UtcNow > deadline)
                    throw new CliException($"No {what} of {model} within {timeout.TotalSeconds:0} s: see mlops drift {model}.");
                await Task.Delay(1000, run.Cancellation);
            }
        }

        async Task<string> ChampionSummaryAsync()
        {
            var m = await run.Client.GetJsonAsync(PlatformService.Registry, $"models/{PlatformCommand.Segment(model)}", run.Cancellation);
            var champion = m?["champion"];
            var lineage = await run.Client.GetJsonAsync(PlatformService.Registry, $"models/{PlatformCommand.Segment(model)}/versions/{champion?["version"]}", run.Cancellation);
            var score = champion?["score"]?.GetValue<double>() is { } s ? s.ToString("0.###", CultureInfo.InvariantCulture) : "?";
            return $"{champion?["metric"]} {score} on its holdout, {lineage?["trainRows"]} training rows of {lineage?["datasetVersion"]?["rows"]} ({lineage?["trigger"]}), gate: {lineage?["gate"]?["reason"]}";
        }

        string Csv(IReadOnlyList<List<string>> rows)
        {
            var csv = new StringBuilder(string.Join(',', _header.Skip(1).Select(Quote))).Append('\n');
            foreach (var row in rows)
                csv.Append(string.Join(',', row.Skip(1).Select(Quote))).Append('\n');
            return csv.ToString();
        }

        static string Quote(string field) =>
            field.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;

        string Span(IReadOnlyList<List<string>> rows)
        {
            var date = _header.IndexOf("date");
            return rows.Count == 1 ? rows[0][date] : $"{rows[0][date]} … {rows[^1][date]}";
        }
    }
}

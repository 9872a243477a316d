using System.Text;
using System.Text.Json;
using MlOps.Serving.Logging;
using MlOps.Serving.Models;
using MlOps.Serving.Predictions;

namespace MlOps.Tests.Unit.Serving;

public sealed class LogWindowsTests
{
    static readonly DateTimeOffset T0 = new(2026, 11, 26, 10, 0, 0, 123, TimeSpan.Zero);

    static LoggedPredictions Predictions(LoadedModel model, int rows, DateTimeOffset at, bool shadow = false)
    {
        var json = "[" + string.Join(",", Enumerable.Range(0, rows).Select(i => $$"""{"num": {{i}}.5, "flag": {{(i % 2 == 0 ? "true" : "false")}}, "colour": "red", "when": null, "extra": 1}""")) + "]";
        Assert.Null(RowReader.Read(model, JsonDocument.Parse(json).RootElement, out var batch));
        var outputs = new double[rows * model.OutputCount];
        for (var r = 0; r < rows; r++)
            model.Trained.Predict(batch.Row(r), outputs.AsSpan(r * model.OutputCount, model.OutputCount));
        return new LoggedPredictions(model, shadow, at, [.. Enumerable.Range(0, rows).Select(_ => Guid.NewGuid())], batch, outputs);
    }

    static List<JsonElement> Lines(ClosedWindow window) =>
        [.. Encoding.UTF8.GetString(window.Ndjson).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)];

    [Fact]
    public void A_window_closes_at_exactly_the_row_limit_and_the_rest_opens_the_next()
    {
        var windows = new LogWindows(maxRows: 10, maxAge: TimeSpan.FromSeconds(5));
        var closed = new List<ClosedWindow>();

        windows.Add(Predictions(TestModels.Binary(), 7, T0), closed);
        Assert.Empty(closed);
        windows.Add(Predictions(TestModels.Binary(), 7, T0.AddSeconds(1)), closed);

        var window = Assert.Single(closed);
        Assert.Equal(10, window.Count);
        Assert.Equal(10, Lines(window).Count);
        Assert.Equal(T0, window.Start);
        Assert.Equal(T0.AddSeconds(1), window.End);
        Assert.Equal(4, windows.Pending);
    }

    [Fact]
    public void A_window_closes_once_its_first_prediction_reaches_the_maximum_age()
    {
        var windows = new LogWindows(maxRows: 1000, maxAge: TimeSpan.FromSeconds(5));
        var closed = new List<ClosedWindow>();
        windows.Add(Predictions(TestModels.Binary(), 3, T0), closed);
        windows.Add(Predictions(TestModels.Binary(), 2, T0.AddSeconds(4)), closed);
        Assert.Equal(T0.AddSeconds(5), windows.NextDue);

        windows.CloseDue(T0.AddSeconds(4.9), closed);
        Assert.Empty(closed);
        windows.CloseDue(T0.AddSeconds(5), closed);

        var window = Assert.Single(closed);
        Assert.Equal(5, window.Count);
        Assert.Equal(0, windows.OpenCount);
        Assert.Null(windows.NextDue);
    }

    [Fact]
    public void Each_version_and_the_shadow_get_windows_of_their_own()
    {
        var windows = new LogWindows(maxRows: 1000, maxAge: TimeSpan.FromSeconds(5));
        var closed = new List<ClosedWindow>();
        windows.Add(Predictions(TestModels.Binary(version: 1), 2, T0), closed);
        windows.Add(Predictions(TestModels.Binary(version: 2), 3, T0), closed);
        windows.Add(Predictions(TestModels.Binary(version: 2), 4, T0, shadow: true), closed);
        windows.Add(Predictions(TestModels.Regression(), 1, T0), closed);

        windows.CloseAll(closed);

        Assert.Equal(
            [(new WindowKey("m", 1, false), 2), (new WindowKey("m", 2, false), 3), (new WindowKey("m", 2, true), 4), (new WindowKey("r", 1, false), 1)],
            closed.Select(w => (w.Key, w.Count)).OrderBy(x => x.Key.Model).ThenBy(x => x.Key.Version).ThenBy(x => x.Key.Shadow));
    }

    [Fact]
    public void Lines_follow_the_documented_prediction_log_format()
    {
        var model = TestModels.Binary(version: 3);
        var predictions = Predictions(model, 2, T0);
        var windows = new LogWindows(maxRows: 2, maxAge: TimeSpan.FromSeconds(5));
        var closed = new List<ClosedWindow>();
        windows.Add(predictions, closed);

        var lines = Lines(Assert.Single(closed));
        var line = lines[0];
        Assert.Equal(["id", "at", "version", "inputs", "prediction", "probabilities"], line.EnumerateObject().Select(p => p.Name));
        Assert.Equal(predictions.Ids[0], line.GetProperty("id").GetGuid());
        Assert.Equal("2026-11-26T10:00:00.123Z", line.GetProperty("at").GetString());
        Assert.Equal(3, line.GetProperty("version").GetInt32());
        // The row as sent, restricted to the model's inputs: "extra" is not logged.
        Assert.Equal("""{"num":0.5,"flag":true,"colour":"red","when":null}""", line.GetProperty("inputs").GetRawText());
        Assert.Equal(JsonValueKind.False, lines[1].GetProperty("inputs").GetProperty("flag").ValueKind);
        var probabilities = line.GetProperty("probabilities");
        Assert.Equal(model.Classes, probabilities.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1.0, probabilities.EnumerateObject().Sum(p => p.Value.GetDouble()), 9);
        var best = probabilities.EnumerateObject().MaxBy(p => p.Value.GetDouble()).Name;
        Assert.Equal(best, line.GetProperty("prediction").GetString());
        Assert.EndsWith("\n", Encoding.UTF8.GetString(Assert.Single(closed).Ndjson));
    }

    [Fact]
    public void A_regression_line_holds_the_value_and_no_probabilities()
    {
        var windows = new LogWindows(maxRows: 1, maxAge: TimeSpan.FromSeconds(5));
        var closed = new List<ClosedWindow>();
        var model = TestModels.Regression();
        var json = """[{"num": 2, "flag": true, "colour": "blue", "when": "2020-05-01", "label": "no"}]""";
        Assert.Null(RowReader.Read(model, JsonDocument.Parse(json).RootElement, out var batch));
        var outputs = new double[1];
        model.Trained.Predict(batch.Row(0), outputs);
        windows.Add(new LoggedPredictions(model, false, T0, [Guid.NewGuid()], batch, outputs), closed);

        var line = Lines(Assert.Single(closed))[0];
        Assert.Equal(outputs[0], line.GetProperty("prediction").GetDouble());
        Assert.False(line.TryGetProperty("probabilities", out _));
        Assert.Equal("2020-05-01", line.GetProperty("inputs").GetProperty("when").GetString());
    }
}

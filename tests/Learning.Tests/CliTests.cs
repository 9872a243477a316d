using System.Text.Json;
using MlOps.Cli;

namespace MlOps.Tests.Learning;

public sealed class CliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mlops-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Train_with_json_prints_metrics_and_train_seconds_then_predict_writes_rows()
    {
        var data = Generated.TestData("seattle-weather.csv");
        var model = Path.Combine(_dir, "m.mlm");
        var (code, output, error) = await Run("train", "--data", data, "--target", "weather", "--task", "multiclass", "--param", "trees=30", "--seed", "1", "--out", model, "--json");
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        var metrics = doc.RootElement.GetProperty("metrics");
        foreach (var name in new[] { "accuracy", "macroF1", "logLoss", "auc" }) Assert.True(metrics.TryGetProperty(name, out _), name);
        Assert.True(doc.RootElement.GetProperty("trainSeconds").GetDouble() > 0);

        var preds = Path.Combine(_dir, "p.csv");
        (code, _, error) = await Run("predict", "--model", model, "--data", data, "--out", preds);
        Assert.True(code == 0, error);
        var lines = System.IO.File.ReadAllLines(preds);
        Assert.Equal(1462, lines.Length);
        Assert.StartsWith("prediction,p_drizzle", lines[0]);
    }

    [Fact]
    public async Task Regression_json_has_rmse_mae_and_r2()
    {
        var (code, output, error) = await Run("train", "--data", Generated.TestData("seattle-weather.csv"), "--target", "temp_max", "--task", "regression", "--trainer", "linear", "--exclude", "date", "--json");
        Assert.True(code == 0, error);
        var metrics = JsonDocument.Parse(output).RootElement.GetProperty("metrics");
        Assert.True(metrics.TryGetProperty("rmse", out _) && metrics.TryGetProperty("mae", out _) && metrics.TryGetProperty("r2", out _));
    }

    [Fact]
    public async Task An_unknown_target_fails_naming_the_column()
    {
        var (code, _, error) = await Run("train", "--data", File("a.csv", "x,y\n1,a\n2,b\n"), "--target", "nope", "--task", "binary");
        Assert.NotEqual(0, code);
        Assert.Contains("'nope'", error);
    }

    [Fact]
    public async Task A_single_class_target_fails()
    {
        var (code, _, error) = await Run("train", "--data", File("a.csv", "x,y\n1,a\n2,a\n3,a\n"), "--target", "y", "--task", "binary", "--holdout", "0.3");
        Assert.NotEqual(0, code);
        Assert.Contains("single class", error);
    }

    [Fact]
    public async Task A_text_regression_target_fails()
    {
        var (code, _, error) = await Run("train", "--data", File("a.csv", "x,y\n1,a\n2,b\n3,c\n"), "--target", "y", "--task", "regression");
        Assert.NotEqual(0, code);
        Assert.Contains("holds text", error);
    }

    [Fact]
    public async Task An_empty_file_fails()
    {
        var (code, _, error) = await Run("train", "--data", File("empty.csv", ""), "--target", "y", "--task", "binary");
        Assert.NotEqual(0, code);
        Assert.Contains("empty", error);
    }

    [Fact]
    public async Task A_missing_file_and_a_bad_param_fail_with_a_message()
    {
        var (code, _, error) = await Run("train", "--data", Path.Combine(_dir, "none.csv"), "--target", "y", "--task", "binary");
        Assert.NotEqual(0, code);
        Assert.Contains("does not exist", error);
        (code, _, error) = await Run("train", "--data", File("a.csv", "x,y\n1,a\n2,b\n3,a\n4,b\n5,a\n"), "--target", "y", "--task", "binary", "--param", "trees");
        Assert.NotEqual(0, code);
        Assert.Contains("name=value", error);
    }

    [Fact]
    public async Task A_tampered_model_is_refused_by_predict()
    {
        var model = Path.Combine(_dir, "m.mlm");
        var data = File("d.csv", string.Join("\n", Enumerable.Range(0, 60).Select(i => $"{i},{(i % 2 == 0 ? "a" : "b")}").Prepend("x,y")) + "\n");
        var (code, _, error) = await Run("train", "--data", data, "--target", "y", "--task", "binary", "--param", "minSamplesLeaf=2", "--out", model);
        Assert.True(code == 0, error);
        var bytes = System.IO.File.ReadAllBytes(model);
        bytes[40] ^= 0xFF;
        System.IO.File.WriteAllBytes(model, bytes);
        (code, _, error) = await Run("predict", "--model", model, "--data", data);
        Assert.NotEqual(0, code);
        Assert.Contains("SHA-256", error);
    }
}

public sealed class CliMlNetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mlops-cli-mlnet-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("lightgbm")]
    [InlineData("lbfgs")]
    [InlineData("gbdt")]
    public async Task Train_predict_and_export_work_alike_for_both_families(string trainer)
    {
        var data = Generated.TestData("seattle-weather.csv");
        var model = Path.Combine(_dir, "m.mlm");
        var (code, output, error) = await Run("train", "--data", data, "--target", "weather", "--task", "multiclass", "--trainer", trainer,
            "--exclude", "date", "--param", trainer == "lbfgs" ? "maxIterations=50" : "trees=20", "--out", model, "--json");
        Assert.True(code == 0, error);
        var json = JsonDocument.Parse(output).RootElement;
        Assert.Equal(trainer, json.GetProperty("trainer").GetString());
        Assert.True(json.GetProperty("metrics").GetProperty("accuracy").GetDouble() > 0.6);

        var preds = Path.Combine(_dir, "p.csv");
        (code, _, error) = await Run("predict", "--model", model, "--data", data, "--out", preds);
        Assert.True(code == 0, error);
        var lines = System.IO.File.ReadAllLines(preds);
        Assert.Equal("prediction,p_drizzle,p_fog,p_rain,p_snow,p_sun", lines[0]);

        var onnx = Path.Combine(_dir, "m.onnx");
        (code, output, error) = await Run("export", "--model", model, "--onnx", onnx);
        Assert.True(code == 0, error);
        Assert.Contains("probabilities float [N, 5]", output);

        // The exported graph, run by ONNX Runtime on the same rows, gives what `mlops predict` printed.
        TrainedModelCheck(model, onnx, data, lines);
    }

    private static void TrainedModelCheck(string modelPath, string onnxPath, string dataPath, string[] printed)
    {
        MlOps.Learning.TrainedModel m;
        using (var s = System.IO.File.OpenRead(modelPath)) m = MlOps.Learning.Artifacts.ModelArtifact.Read(s);
        var types = m.InputSchema.ToDictionary(c => c.Name, c => c.Type);
        MlOps.Learning.Data.TabularFrame frame;
        using (var s = System.IO.File.OpenRead(dataPath)) frame = MlOps.Learning.Data.TabularFrame.ReadCsv(s, new MlOps.Learning.Data.CsvReadOptions { ColumnTypes = types });
        var (labels, probabilities) = OnnxTests.Score(System.IO.File.ReadAllBytes(onnxPath), m, frame);
        for (var r = 0; r < frame.RowCount; r++)
        {
            var fields = printed[r + 1].Split(',');
            Assert.Equal(fields[0], labels![r]);
            for (var k = 0; k < 5; k++)
                Assert.True(Math.Abs(double.Parse(fields[k + 1], System.Globalization.CultureInfo.InvariantCulture) - probabilities[r * 5 + k]) <= 1e-5, $"row {r} class {k}");
        }
    }

    [Fact]
    public async Task Export_of_a_missing_model_fails_with_a_message()
    {
        var (code, _, error) = await Run("export", "--model", Path.Combine(_dir, "none.mlm"), "--onnx", Path.Combine(_dir, "x.onnx"));
        Assert.Equal(1, code);
        Assert.Contains("does not exist", error);
    }

    [Fact]
    public async Task An_unknown_trainer_is_refused_listing_both_families()
    {
        var (code, _, error) = await Run("train", "--data", "x.csv", "--target", "y", "--task", "binary", "--trainer", "sdca");
        Assert.Equal(2, code);
        Assert.Contains("lightgbm", error);
        Assert.Contains("gbdt", error);
    }
}

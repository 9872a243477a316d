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

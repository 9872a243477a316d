using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MlOps.Learning;
using MlOps.Learning.Data;
using MlOps.Learning.Onnx;
using MlOps.Learning.Trainers;

namespace MlOps.Tests.Learning;

/// <summary>Every trainer's model exported to ONNX and scored by ONNX Runtime agrees with the platform's own predictions.</summary>
public sealed class OnnxTests
{
    private const double Tolerance = 1e-5;

    /// <summary>
    /// Numbers (one with missing values that matter), a boolean and a category. Values are float-representable, as
    /// the ONNX input is a float tensor: the graph then sees exactly the platform's inputs.
    /// </summary>
    internal static TabularFrame Mixed(int rows, int seed, TaskKind task)
    {
        var random = new Random(seed);
        double F() => (float)(random.NextDouble() * 4 - 2);
        double[] x0 = new double[rows], x1 = new double[rows], x2 = new double[rows], flag = new double[rows], y = new double[rows];
        var color = new string?[rows];
        var label = new string?[rows];
        string[] colors = ["red", "green", "blue", "grey"];
        for (var r = 0; r < rows; r++)
        {
            x0[r] = F();
            x1[r] = random.NextDouble() < 0.1 ? double.NaN : F();
            x2[r] = F();
            flag[r] = random.Next(2);
            var c = random.Next(colors.Length + 1);
            color[r] = c == colors.Length ? null : colors[c];
            var effect = c switch { 0 => 1.0, 1 => -1.0, 2 => 0.5, 3 => 0.0, _ => -0.5 };
            var signal = x0[r] + (double.IsNaN(x1[r]) ? 1.5 : 0.7 * x1[r]) + effect + 0.5 * flag[r] + 0.3 * (random.NextDouble() - 0.5);
            y[r] = (float)(3 * x0[r] - 2 * x2[r] + effect + 0.1 * random.NextDouble());
            label[r] = task == TaskKind.Binary ? (signal > 0.3 ? "yes" : "no") : signal < -0.5 ? "low" : signal < 1.2 ? "mid" : "high";
        }
        var columns = new List<Column>
        {
            Column.Numeric("x0", ColumnType.Float, x0), Column.Numeric("x1", ColumnType.Float, x1), Column.Numeric("x2", ColumnType.Float, x2),
            Column.Numeric("flag", ColumnType.Boolean, flag), Column.FromStrings("color", color),
        };
        columns.Add(task == TaskKind.Regression ? Column.Numeric("target", ColumnType.Float, y) : Column.FromStrings("target", label));
        return new TabularFrame(columns);
    }

    internal static (string[]? Labels, float[] Values) Score(byte[] onnx, TrainedModel model, TabularFrame frame)
    {
        var n = frame.RowCount;
        var inputs = model.Transforms.InputCount;
        var data = new float[n * inputs];
        for (var i = 0; i < inputs; i++)
        {
            var values = model.Transforms.InputValues(frame, i);
            for (var r = 0; r < n; r++) data[r * inputs + i] = (float)values[r];
        }
        using var session = new InferenceSession(onnx);
        var feeds = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor(OnnxExport.InputName, new DenseTensor<float>(data, [n, inputs])) };
        var timestampInputs = Enumerable.Range(0, inputs).Where(i => model.Transforms.Inputs[i].Column.Type == ColumnType.Timestamp).ToArray();
        if (timestampInputs.Length > 0)
        {
            var seconds = new double[n * timestampInputs.Length];
            for (var j = 0; j < timestampInputs.Length; j++)
            {
                var values = model.Transforms.InputValues(frame, timestampInputs[j]);
                for (var r = 0; r < n; r++) seconds[r * timestampInputs.Length + j] = values[r];
            }
            feeds.Add(NamedOnnxValue.CreateFromTensor(OnnxExport.TimestampsName, new DenseTensor<double>(seconds, [n, timestampInputs.Length])));
        }
        Assert.Equal(feeds.Select(f => f.Name).Order(), session.InputMetadata.Keys.Order());
        using var results = session.Run(feeds);
        if (model.Task == TaskKind.Regression)
            return (null, results.Single(r => r.Name == OnnxExport.ValueName).AsTensor<float>().ToArray());
        var labels = results.Single(r => r.Name == OnnxExport.LabelName).AsTensor<string>().ToArray();
        return (labels, results.Single(r => r.Name == OnnxExport.ProbabilitiesName).AsTensor<float>().ToArray());
    }

    [Theory]
    [InlineData("gbdt", TaskKind.Binary)]
    [InlineData("gbdt", TaskKind.Multiclass)]
    [InlineData("gbdt", TaskKind.Regression)]
    [InlineData("logistic", TaskKind.Binary)]
    [InlineData("logistic", TaskKind.Multiclass)]
    [InlineData("linear", TaskKind.Regression)]
    [InlineData("lightgbm", TaskKind.Binary)]
    [InlineData("lightgbm", TaskKind.Multiclass)]
    [InlineData("lightgbm", TaskKind.Regression)]
    [InlineData("lbfgs", TaskKind.Binary)]
    [InlineData("lbfgs", TaskKind.Multiclass)]
    public void Onnx_runtime_scores_the_holdout_like_the_platform(string trainer, TaskKind task)
    {
        var data = Mixed(1500, 11, task);
        var spec = new TrainingSpec
        {
            Target = "target", Task = task, Trainer = trainer, Seed = 3,
            Parameters = trainer is "gbdt" or "lightgbm" ? new Dictionary<string, string> { ["trees"] = "40", ["minSamplesLeaf"] = "5" } : new Dictionary<string, string>(),
        };
        var (trainRows, testRows) = DataSplits.Random(data.RowCount, 0.25, 3);
        var model = Trainer.Train(data.Take(trainRows), spec);
        var holdout = data.Take(testRows);
        var ours = model.Predict(holdout);

        using var stream = new MemoryStream();
        OnnxExport.Write(model, stream);
        var (labels, values) = Score(stream.ToArray(), model, holdout);

        Assert.Equal(ours.Values.Length, values.Length);
        var maxDiff = 0.0;
        for (var i = 0; i < values.Length; i++) maxDiff = Math.Max(maxDiff, Math.Abs(values[i] - ours.Values[i]));
        Assert.True(maxDiff <= Tolerance, $"max abs difference {maxDiff:E2} between ONNX Runtime and the platform");
        if (labels is not null)
        {
            // Labels can only differ where two probabilities tie within float precision.
            var differ = Enumerable.Range(0, ours.Count).Count(r => labels[r] != ours.Label(r));
            Assert.True(differ == 0, $"{differ} labels differ");
        }
        // The model really learned something, so the comparison is not between two constant outputs.
        var spread = Enumerable.Range(0, values.Length).Select(i => values[i]).Distinct().Count();
        Assert.True(spread > 10, $"only {spread} distinct outputs");
    }

    [Fact]
    public void An_all_numeric_model_takes_one_float_input_in_input_schema_order_and_names_it_in_metadata()
    {
        var frame = Generated.Separable(400, 2).Without("color");
        var model = Trainer.Train(frame, new TrainingSpec { Target = "label", Task = TaskKind.Binary, Parameters = new Dictionary<string, string> { ["trees"] = "10" } });
        using var session = new InferenceSession(OnnxExport.ToBytes(model));
        var input = session.InputMetadata[OnnxExport.InputName];
        Assert.Equal(typeof(float), input.ElementType);
        Assert.Equal(3, input.Dimensions[1]);
        Assert.Contains("\"x0\"", session.ModelMetadata.CustomMetadataMap["inputs"]);
        Assert.Equal("[\"no\",\"yes\"]", session.ModelMetadata.CustomMetadataMap["classes"]);
        Assert.Equal(2, session.OutputMetadata[OnnxExport.ProbabilitiesName].Dimensions[1]);
    }

    [Theory]
    [InlineData("gbdt")]
    [InlineData("logistic")]
    [InlineData("lightgbm")]
    public void Timestamp_parts_are_computed_in_the_graph_from_a_double_input(string trainer)
    {
        // Timestamps over four centuries (leap years, before 1970, every hour and weekday) plus missing ones.
        var random = new Random(5);
        var n = 3000;
        var when = new double[n];
        var x = new double[n];
        var label = new string?[n];
        for (var r = 0; r < n; r++)
        {
            var t = new DateTime(1850, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(random.NextDouble() * 400 * 365.25 * 86400);
            when[r] = random.NextDouble() < 0.05 ? double.NaN : Math.Floor((t - DateTime.UnixEpoch).TotalSeconds);
            x[r] = (float)random.NextDouble();
            label[r] = double.IsNaN(when[r]) ? "none" : t.Month <= 4 ? "spring" : t.Hour < 12 ? "am" : "pm";
        }
        var frame = new TabularFrame([Column.Numeric("when", ColumnType.Timestamp, when), Column.Numeric("x", ColumnType.Float, x), Column.FromStrings("label", label)]);
        var model = Trainer.Train(frame, new TrainingSpec { Target = "label", Task = TaskKind.Multiclass, Trainer = trainer,
            Parameters = trainer == "logistic" ? new Dictionary<string, string>() : new Dictionary<string, string> { ["trees"] = "20" } });
        var ours = model.Predict(frame);
        var (labels, values) = Score(OnnxExport.ToBytes(model), model, frame);
        var maxDiff = Enumerable.Range(0, values.Length).Max(i => Math.Abs(values[i] - ours.Values[i]));
        Assert.True(maxDiff <= Tolerance, $"max abs difference {maxDiff:E2}");
        Assert.Equal(Enumerable.Range(0, n).Select(ours.Label), labels!);
        if (trainer == "gbdt") Assert.True(Trainer.Evaluate(model, frame)[MlOps.Learning.Metrics.MetricNames.Accuracy] > 0.95);
    }
}

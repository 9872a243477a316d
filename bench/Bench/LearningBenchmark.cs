using System.Diagnostics;
using System.Text.Json;
using MlOps.Learning;
using MlOps.Learning.Data;
using MlOps.Learning.Metrics;
using MlOps.Learning.Trainers;

namespace MlOps.Bench;

/// <summary>Trains gbdt and logistic on the shared benchmark data and measures time, test AUC and single-row latency.</summary>
internal static class LearningBenchmark
{
    public static void Run(string path, int trainRows, int threads, TextWriter output)
    {
        var data = BenchData.Read(path);
        var train = Frame(data, 0, trainRows);
        var test = Frame(data, trainRows, data.Rows);
        var truth = data.Y[trainRows..].Select(v => (double)v).ToArray();

        var gbdt = new TrainingSpec
        {
            Target = "label", Task = TaskKind.Binary, Trainer = TrainerNames.Gbdt, Seed = 42, MaxDegreeOfParallelism = threads,
            Parameters = new Dictionary<string, string> { ["trees"] = "100", ["leaves"] = "31", ["maxBins"] = "255", ["learningRate"] = "0.1" },
        };
        var (model, seconds) = Timed(() => Trainer.Train(train, gbdt));
        var auc = TestAuc(model, test, truth, threads);
        var latency = SingleRowMicros(model, test, out var allocated);
        Emit(output, new { engine = "mlops", model = "gbdt", trainSeconds = seconds, auc, singleRowMicros = latency, singleRowAllocatedBytes = allocated });

        var logistic = gbdt with { Trainer = TrainerNames.Logistic, Parameters = new Dictionary<string, string> { ["l2"] = "1", ["maxIterations"] = "100" } };
        var (lr, lrSeconds) = Timed(() => Trainer.Train(train, logistic));
        Emit(output, new { engine = "mlops", model = "logistic", trainSeconds = lrSeconds, auc = TestAuc(lr, test, truth, threads) });
    }

    private static TabularFrame Frame(BenchData data, int from, int to)
    {
        var cols = data.Columns(from, to).Select((c, f) => Column.Numeric($"x{f}", ColumnType.Float, c)).ToList();
        var label = new double[to - from];
        for (var r = from; r < to; r++) label[r - from] = data.Y[r];
        cols.Add(Column.Numeric("label", ColumnType.Integer, label));
        return new TabularFrame(cols);
    }

    private static (TrainedModel, double) Timed(Func<TrainedModel> train)
    {
        var sw = Stopwatch.StartNew();
        var model = train();
        return (model, sw.Elapsed.TotalSeconds);
    }

    private static double TestAuc(TrainedModel model, TabularFrame test, double[] truth, int threads)
    {
        var p = model.Predict(test, threads);
        return ModelMetrics.Compute(TaskKind.Binary, truth, p.Values, 2)[MetricNames.Auc];
    }

    /// <summary>Mean time of single-row predictions through the public allocation-free path, over many rows.</summary>
    private static double SingleRowMicros(TrainedModel model, TabularFrame test, out long allocatedBytes)
    {
        const int distinct = 4096, calls = 400_000;
        var inputs = new double[distinct][];
        for (var r = 0; r < distinct; r++)
        {
            inputs[r] = new double[model.Transforms.InputCount];
            for (var i = 0; i < inputs[r].Length; i++) inputs[r][i] = test.Columns[i].Numbers[r];
        }
        Span<double> output = stackalloc double[model.OutputCount];
        for (var i = 0; i < 50_000; i++) model.Predict(inputs[i % distinct], output);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < calls; i++) model.Predict(inputs[i % distinct], output);
        var elapsed = sw.Elapsed;
        allocatedBytes = GC.GetAllocatedBytesForCurrentThread() - before;
        return elapsed.TotalMilliseconds * 1000 / calls;
    }

    private static void Emit(TextWriter output, object value) => output.WriteLine(JsonSerializer.Serialize(value));
}

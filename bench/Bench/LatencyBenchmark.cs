using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MlOps.Learning;
using MlOps.Learning.Data;
using MlOps.Learning.MLNet;
using MlOps.Learning.Onnx;
using MlOps.Learning.Trainers;

namespace MlOps.Bench;

/// <summary>
/// Single-row prediction latency of one binary model per family, measured call by call over 4,096 distinct test rows:
/// the own engine's TrainedModel, an ML.NET LightGBM model through TrainedModel and through ML.NET's own
/// PredictionEngine, and both exported to ONNX and run by ONNX Runtime (one intra-op thread, one row per Run).
/// </summary>
internal static class LatencyBenchmark
{
    private const int Distinct = 4096, Warmup = 20_000, Calls = 200_000;

    public static void Run(string trainCsv, string testCsv, int threads, TextWriter output)
    {
        MlNetTrainerFamily.Register();
        var train = Read(trainCsv);
        var test = Read(testCsv);
        var p = new Dictionary<string, string> { ["trees"] = "100", ["leaves"] = "31", ["maxBins"] = "255", ["learningRate"] = "0.1" };
        var gbdt = Trainer.Train(train, new TrainingSpec { Target = "label", Task = TaskKind.Binary, Trainer = "gbdt", Parameters = p, MaxDegreeOfParallelism = threads });
        var lgbm = Trainer.Train(train, new TrainingSpec { Target = "label", Task = TaskKind.Binary, Trainer = "lightgbm", Parameters = p, MaxDegreeOfParallelism = threads });

        var inputs = new double[Distinct][];
        var columns = Enumerable.Range(0, gbdt.Transforms.InputCount).Select(i => gbdt.Transforms.InputValues(test, i)).ToArray();
        for (var r = 0; r < Distinct; r++) inputs[r] = columns.Select(c => c[r]).ToArray();

        Emit(output, "gbdt", "TrainedModel.Predict (own engine)", Measure(gbdt, inputs));
        Emit(output, "lightgbm", "TrainedModel.Predict (ML.NET inside)", Measure(lgbm, inputs));
        Emit(output, "lightgbm", "ML.NET PredictionEngine", MeasureEngine((MlNetEstimator)lgbm.Estimator, inputs));
        Emit(output, "gbdt", "ONNX Runtime", MeasureOnnx(gbdt, inputs));
        Emit(output, "lightgbm", "ONNX Runtime", MeasureOnnx(lgbm, inputs));
    }

    private static TabularFrame Read(string path)
    {
        using var s = File.OpenRead(path);
        return TabularFrame.ReadCsv(s);
    }

    private static (double P50, double Mean, double Bytes) Time(Action<int> call)
    {
        for (var i = 0; i < Warmup; i++) call(i % Distinct);
        var ticks = new long[Calls];
        var before = GC.GetAllocatedBytesForCurrentThread();
        var total = Stopwatch.StartNew();
        for (var i = 0; i < Calls; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            call(i % Distinct);
            ticks[i] = Stopwatch.GetTimestamp() - t0;
        }
        var mean = total.Elapsed.TotalMilliseconds * 1000 / Calls;
        var bytes = (double)(GC.GetAllocatedBytesForCurrentThread() - before) / Calls;
        Array.Sort(ticks);
        return (ticks[Calls / 2] * 1e6 / Stopwatch.Frequency, mean, bytes);
    }

    private static (double, double, double) Measure(TrainedModel model, double[][] inputs)
    {
        var output = new double[model.OutputCount];
        return Time(r => model.Predict(inputs[r], output));
    }

    private sealed class Row { public float[] Features { get; set; } = []; }
    private sealed class Score { public float Probability { get; set; } }

    private static (double, double, double) MeasureEngine(MlNetEstimator estimator, double[][] inputs)
    {
        var ml = new MLContext(0);
        var schema = SchemaDefinition.Create(typeof(Row));
        schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, estimator.FeatureCount);
        var engine = ml.Model.CreatePredictionEngine<Row, Score>(estimator.Transformer, true, schema);
        var rows = inputs.Select(x => new Row { Features = x.Select(v => (float)v).ToArray() }).ToArray();
        var score = new Score();
        return Time(r => engine.Predict(rows[r], ref score));
    }

    private static (double, double, double) MeasureOnnx(TrainedModel model, double[][] inputs)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
        using var session = new InferenceSession(OnnxExport.ToBytes(model), options);
        var f = inputs[0].Length;
        var rows = inputs.Select(x => x.Select(v => (float)v).ToArray()).ToArray();
        var buffer = new float[f];
        var tensor = new DenseTensor<float>(buffer, [1, f]);
        var feeds = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor(OnnxExport.InputName, tensor) };
        string[] outputs = [OnnxExport.ProbabilitiesName];
        return Time(r =>
        {
            rows[r].CopyTo(buffer, 0);
            using var result = session.Run(feeds, outputs);
            _ = result[0].AsTensor<float>()[0, 1];
        });
    }

    private static void Emit(TextWriter output, string model, string path, (double P50, double Mean, double Bytes) t) =>
        output.WriteLine(JsonSerializer.Serialize(new { engine = "latency", model, path, p50Micros = t.P50, meanMicros = t.Mean, allocatedBytesPerCall = t.Bytes }));
}

using System.Collections.Concurrent;
using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlOps.Learning.Onnx;
using MlOps.Learning.Trainers;

namespace MlOps.Learning.MLNet;

/// <summary>
/// A fitted ML.NET model as the platform's estimator: it scores encoded feature vectors (the platform's transforms
/// run first, as for every family) and hands back raw scores, so <see cref="TrainedModel"/> applies the same link
/// (sigmoid / softmax) and callers never know which family made the model. Stored as ML.NET's model zip with
/// normalised entry timestamps, so the same training inputs give the same bytes.
/// </summary>
public sealed class MlNetEstimator : IExternalEstimator, IBatchEstimator, IOnnxEstimator
{
    private readonly MLContext _ml;
    private readonly byte[] _payload;
    private readonly ConcurrentBag<RowScorer> _scorers = [];

    private MlNetEstimator(MLContext ml, ITransformer transformer, byte[] payload, int featureCount, TaskKind task, int outputCount)
    {
        _ml = ml;
        Transformer = transformer;
        _payload = payload;
        FeatureCount = featureCount;
        Task = task;
        OutputCount = outputCount;
    }

    public ITransformer Transformer { get; }
    public TaskKind Task { get; }
    public int FeatureCount { get; }
    public int OutputCount { get; }
    public string Format => MlNetTrainerFamily.Format;
    public ReadOnlyMemory<byte> Payload => _payload;

    /// <summary>The MLContext of this model (for ONNX conversion).</summary>
    internal MLContext Context => _ml;

    internal static MLContext CreateContext(int seed)
    {
        var ml = new MLContext(seed);
        ml.ComponentCatalog.RegisterAssembly(typeof(Microsoft.ML.Trainers.LightGbm.LightGbmBinaryModelParameters).Assembly);
        return ml;
    }

    internal static MlNetEstimator FromTransformer(MLContext ml, ITransformer transformer, int featureCount, TaskKind task, int outputCount)
    {
        using var ms = new MemoryStream();
        ml.Model.Save(transformer, FeatureMatrixView.FeaturesOnlySchema(featureCount), ms);
        return new MlNetEstimator(ml, transformer, NormaliseZip(ms.ToArray()), featureCount, task, outputCount);
    }

    internal static MlNetEstimator Load(byte[] payload, int featureCount, TaskKind task, int outputCount)
    {
        var ml = CreateContext(0);
        ITransformer transformer;
        try
        {
            using var ms = new MemoryStream(payload, writable: false);
            transformer = ml.Model.Load(ms, out _);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"the ML.NET model does not load: {e.GetBaseException().Message}");
        }
        return new MlNetEstimator(ml, transformer, payload, featureCount, task, outputCount);
    }

    /// <summary>
    /// Rewrites ML.NET's model zip with fixed entry timestamps (ML.NET stamps the save time), keeping entry order and
    /// content: the only part of ML.NET's output that differs between two identical trainings.
    /// </summary>
    internal static byte[] NormaliseZip(byte[] zip)
    {
        var stamp = new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var source = new ZipArchive(new MemoryStream(zip, writable: false), ZipArchiveMode.Read);
        using var result = new MemoryStream();
        using (var target = new ZipArchive(result, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in source.Entries)
            {
                var copy = target.CreateEntry(entry.FullName, CompressionLevel.Optimal);
                copy.LastWriteTime = stamp;
                using var from = entry.Open();
                using var content = new MemoryStream();
                from.CopyTo(content);
                var bytes = content.ToArray();
                ZeroThreadCount(bytes);
                using var to = copy.Open();
                to.Write(bytes);
            }
        }
        return result.ToArray();
    }

    private static readonly byte[] ThreadParameter = System.Text.Encoding.Unicode.GetBytes("nthread=");

    /// <summary>
    /// LightGBM's model keeps its training parameter string (UTF-16) for reference, thread count included, although the
    /// trees do not depend on it (deterministic, column-wise). Its digits become zeros in place (same length, and 0
    /// means "default" to LightGBM), so the artifact does not depend on the thread count.
    /// </summary>
    private static void ZeroThreadCount(byte[] bytes)
    {
        var span = bytes.AsSpan();
        var at = 0;
        while ((at = IndexOf(span, ThreadParameter, at)) >= 0)
        {
            var p = at + ThreadParameter.Length;
            while (p + 1 < span.Length && span[p + 1] == 0 && span[p] is >= (byte)'0' and <= (byte)'9')
            {
                span[p] = (byte)'0';
                p += 2;
            }
            at = p;
        }
    }

    private static int IndexOf(ReadOnlySpan<byte> span, ReadOnlySpan<byte> value, int from)
    {
        var i = span[from..].IndexOf(value);
        return i < 0 ? -1 : from + i;
    }

    /// <summary>
    /// ML.NET's own ONNX conversion of the model, given a schema without the label column (else the label would
    /// become a required input). Its input is the encoded feature vector; the binary output is the calibrated
    /// probability, the multiclass output the class probabilities, the regression output the value.
    /// </summary>
    public OnnxEstimatorGraph ToOnnx()
    {
        var empty = new double[FeatureCount][];
        for (var f = 0; f < empty.Length; f++) empty[f] = [];
        using var ms = new MemoryStream();
        lock (_ml) _ml.Model.ConvertToOnnx(Transformer, new FeatureMatrixView(empty, 0), ms);
        var model = global::Onnx.ModelProto.Parser.ParseFrom(ms.ToArray());
        var input = model.Graph.Input.FirstOrDefault(i => i.Name == FeatureMatrixView.FeaturesColumn)?.Name
            ?? throw new InvalidOperationException($"ML.NET's ONNX model has no '{FeatureMatrixView.FeaturesColumn}' input (inputs: {string.Join(", ", model.Graph.Input.Select(i => i.Name))}).");
        var wanted = Task == TaskKind.Binary ? "Probability" : "Score";
        var output = model.Graph.Output.FirstOrDefault(o => o.Name == wanted || o.Name.StartsWith(wanted + ".", StringComparison.Ordinal))?.Name
            ?? throw new InvalidOperationException($"ML.NET's ONNX model has no '{wanted}' output (outputs: {string.Join(", ", model.Graph.Output.Select(o => o.Name))}).");
        var kind = Task switch
        {
            TaskKind.Binary => OnnxScoreKind.PositiveProbability,
            TaskKind.Multiclass => OnnxScoreKind.Probabilities,
            _ => OnnxScoreKind.Value,
        };
        return new OnnxEstimatorGraph(model, input, output, kind);
    }

    public void PredictRaw(ReadOnlySpan<double> features, Span<double> raw)
    {
        if (!_scorers.TryTake(out var scorer)) scorer = new RowScorer(this);
        try { scorer.Score(features, raw); }
        finally { _scorers.Add(scorer); }
    }

    public void PredictRawBatch(double[][] features, int rows, Span<double> raw)
    {
        var scored = Transformer.Transform(new FeatureMatrixView(features, rows));
        var column = scored.Schema[Task == TaskKind.Binary ? "Probability" : "Score"];
        using var cursor = scored.GetRowCursor([column]);
        var k = OutputCount;
        var r = 0;
        if (Task == TaskKind.Multiclass)
        {
            var get = cursor.GetGetter<VBuffer<float>>(column);
            var v = default(VBuffer<float>);
            while (cursor.MoveNext())
            {
                get(ref v);
                ToRaw(v.DenseValues(), raw.Slice(r * k, k));
                r++;
            }
        }
        else
        {
            var get = cursor.GetGetter<float>(column);
            float v = 0;
            while (cursor.MoveNext())
            {
                get(ref v);
                raw[r++] = ToRaw(v);
            }
        }
        if (r != rows) throw new InvalidOperationException($"ML.NET scored {r} rows of {rows}.");
    }

    /// <summary>Binary: ML.NET's calibrated probability back to log-odds; regression: the value.</summary>
    private double ToRaw(float v) => Task == TaskKind.Binary ? Math.Log(v) - Math.Log(1 - (double)v) : v;

    /// <summary>Multiclass: ML.NET's class probabilities as log-probabilities (softmax gives them back).</summary>
    private static void ToRaw(IEnumerable<float> probabilities, Span<double> raw)
    {
        var i = 0;
        foreach (var p in probabilities) raw[i++] = Math.Log(p);
    }

    /// <summary>One PredictionEngine (not thread-safe) with its buffers; pooled per estimator.</summary>
    private sealed class RowScorer
    {
        private readonly MlNetEstimator _owner;
        private readonly PredictionEngine<FeatureRow, BinaryScore>? _binary;
        private readonly PredictionEngine<FeatureRow, VectorScore>? _vector;
        private readonly PredictionEngine<FeatureRow, ValueScore>? _value;
        private readonly FeatureRow _row;
        private BinaryScore _b = new();
        private VectorScore _m = new();
        private ValueScore _v = new();

        public RowScorer(MlNetEstimator owner)
        {
            _owner = owner;
            _row = new FeatureRow { Features = new float[owner.FeatureCount] };
            var input = Microsoft.ML.Data.SchemaDefinition.Create(typeof(FeatureRow));
            input[FeatureMatrixView.FeaturesColumn].ColumnType = new VectorDataViewType(NumberDataViewType.Single, owner.FeatureCount);
            var ml = owner._ml;
            // MLContext is not meant for concurrent use: engines are created one at a time (then used by one thread each).
            lock (ml) switch (owner.Task)
            {
                case TaskKind.Binary:
                    _binary = ml.Model.CreatePredictionEngine<FeatureRow, BinaryScore>(owner.Transformer, true, input);
                    break;
                case TaskKind.Multiclass:
                    var output = Microsoft.ML.Data.SchemaDefinition.Create(typeof(VectorScore));
                    output["Score"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, owner.OutputCount);
                    _vector = ml.Model.CreatePredictionEngine<FeatureRow, VectorScore>(owner.Transformer, true, input, output);
                    break;
                default:
                    _value = ml.Model.CreatePredictionEngine<FeatureRow, ValueScore>(owner.Transformer, true, input);
                    break;
            }
        }

        public void Score(ReadOnlySpan<double> features, Span<double> raw)
        {
            var x = _row.Features;
            for (var f = 0; f < x.Length; f++) x[f] = (float)features[f];
            switch (_owner.Task)
            {
                case TaskKind.Binary:
                    _binary!.Predict(_row, ref _b);
                    raw[0] = _owner.ToRaw(_b.Probability);
                    break;
                case TaskKind.Multiclass:
                    _vector!.Predict(_row, ref _m);
                    ToRaw(_m.Score, raw);
                    break;
                default:
                    _value!.Predict(_row, ref _v);
                    raw[0] = _v.Score;
                    break;
            }
        }
    }

    private sealed class FeatureRow
    {
        public float[] Features { get; set; } = [];
    }

    private sealed class BinaryScore
    {
        public float Probability { get; set; }
    }

    private sealed class VectorScore
    {
        public float[] Score { get; set; } = [];
    }

    private sealed class ValueScore
    {
        public float Score { get; set; }
    }
}

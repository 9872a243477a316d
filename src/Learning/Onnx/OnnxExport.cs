using Google.Protobuf;
using MlOps.Learning.Data;
using MlOps.Learning.Linear;
using MlOps.Learning.Transforms;
using MlOps.Learning.Trees;
using Onnx;

namespace MlOps.Learning.Onnx;

/// <summary>What the ONNX graph of an external estimator (ML.NET) writes to its output tensor.</summary>
public enum OnnxScoreKind
{
    /// <summary>Binary: the probability of the second class, [N] or [N, 1].</summary>
    PositiveProbability,
    /// <summary>Multiclass: class probabilities [N, classes] in the model's class order.</summary>
    Probabilities,
    /// <summary>Regression: the value, [N] or [N, 1].</summary>
    Value,
}

/// <summary>An estimator's ONNX model: one float input [N, features] (encoded features) and one score output.</summary>
public sealed record OnnxEstimatorGraph(ModelProto Model, string Input, string Output, OnnxScoreKind Kind);

/// <summary>An estimator from another library that converts itself to ONNX (ML.NET through its ONNX converter).</summary>
public interface IOnnxEstimator : IEstimator
{
    OnnxEstimatorGraph ToOnnx();
}

/// <summary>
/// Writes any <see cref="TrainedModel"/> as an ONNX model that needs nothing of the platform (docs/model-format.md):
/// input <c>input</c>, float [N, inputs] in input-schema order (numbers as they are, booleans 0/1, categories as
/// their index in the model's category list, NaN for missing or unseen); outputs <c>label</c> (string [N]) and
/// <c>probabilities</c> (float [N, classes], in <c>mlops predict</c>'s order) for classification, <c>value</c>
/// (float [N, 1]) for regression. The fitted transforms are part of the graph; trees are ai.onnx.ml
/// TreeEnsembleRegressor with double thresholds and leaf values, linear models MatMul + Add in double, then the
/// link (Sigmoid / Softmax). ML.NET models are converted by ML.NET and wrapped in the same transforms and outputs.
/// </summary>
public static class OnnxExport
{
    public const string InputName = "input";
    public const string LabelName = "label";
    public const string ProbabilitiesName = "probabilities";
    public const string ValueName = "value";

    /// <summary>Second input, only for models with timestamp columns: double [N, timestamp columns], Unix seconds.</summary>
    public const string TimestampsName = "timestamps";

    private const int OwnOpset = 13;
    private const int OwnMlOpset = 3;

    public static void Write(TrainedModel model, Stream stream) => Build(model).WriteTo(stream);

    public static byte[] ToBytes(TrainedModel model) => Build(model).ToByteArray();

    public static ModelProto Build(TrainedModel model)
    {
        var g = new OnnxGraph();
        var t = model.Transforms;
        long inputs = t.InputCount;
        g.Graph.Input.Add(OnnxGraph.Tensor(InputName, OnnxTypes.Float, -1, inputs));
        // Float has 24 bits: Unix seconds of today would be rounded to 128 s, and hours with them. Timestamps come in double.
        var timestampCount = t.Inputs.Count(i => i.Kind == EncodingKind.TimestampParts);
        if (timestampCount > 0) g.Graph.Input.Add(OnnxGraph.Tensor(TimestampsName, OnnxTypes.Double, -1, timestampCount));
        var opsets = new Dictionary<string, long> { [""] = OwnOpset };
        long irVersion = 7;

        string raw;         // [N, K] scores before the link, double or float
        bool rawIsDouble;
        switch (model.Estimator)
        {
            case TreeEnsemble trees:
                // Double input: ONNX Runtime then compares with double thresholds and sums leaves in double, as the platform does.
                var features = Features(g, t, asDouble: true);
                raw = Trees(g, trees, features);
                rawIsDouble = false;
                opsets["ai.onnx.ml"] = OwnMlOpset;
                break;
            case LinearModel linear:
                raw = Linear(g, linear, Features(g, t, asDouble: true));
                rawIsDouble = true;
                break;
            case IOnnxEstimator external:
                var sub = external.ToOnnx();
                // Our nodes must mean the same under the external model's opset versions.
                foreach (var o in sub.Model.OpsetImport) opsets[o.Domain] = Math.Max(o.Version, opsets.GetValueOrDefault(o.Domain));
                if (sub.Model.OpsetImport.FirstOrDefault(o => o.Domain == "") is { } main) opsets[""] = main.Version;
                irVersion = Math.Max(irVersion, sub.Model.IrVersion);
                var f = Features(g, t, asDouble: false);
                var score = Embed(g, sub, f);
                WriteOutputs(g, model, score, sub.Kind);
                return Finish(g, model, opsets, irVersion);
            default:
                throw new NotSupportedException($"ONNX export does not know the {model.Estimator.GetType().Name} estimator.");
        }

        switch (model.Task)
        {
            case TaskKind.Regression:
                WriteValue(g, rawIsDouble ? g.Node("Cast", [raw], null, "", OnnxGraph.Int("to", OnnxTypes.Float)) : raw);
                break;
            case TaskKind.Binary:
                var p = g.Node("Sigmoid", [raw]);
                if (rawIsDouble) p = g.Node("Cast", [p], null, "", OnnxGraph.Int("to", OnnxTypes.Float));
                WriteOutputs(g, model, p, OnnxScoreKind.PositiveProbability);
                break;
            default:
                var probs = g.Node("Softmax", [raw], null, "", OnnxGraph.Int("axis", 1));
                if (rawIsDouble) probs = g.Node("Cast", [probs], null, "", OnnxGraph.Int("to", OnnxTypes.Float));
                WriteOutputs(g, model, probs, OnnxScoreKind.Probabilities);
                break;
        }
        return Finish(g, model, opsets, irVersion);
    }

    private static ModelProto Finish(OnnxGraph g, TrainedModel model, Dictionary<string, long> opsets, long irVersion)
    {
        var m = new ModelProto
        {
            IrVersion = irVersion,
            ProducerName = "mlops",
            ProducerVersion = "1",
            Domain = "mlops",
            ModelVersion = 1,
            DocString = $"{model.Info.Trainer} {model.Task.ToString().ToLowerInvariant()} model of '{model.Info.Target}'. Input: float [N, {model.Transforms.InputCount}] in input-schema order (see metadata 'inputs').",
            Graph = g.Graph,
        };
        foreach (var (domain, version) in opsets.OrderBy(o => o.Key, StringComparer.Ordinal))
            m.OpsetImport.Add(new OperatorSetIdProto { Domain = domain, Version = version });
        void Meta(string key, string value) => m.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        Meta("task", model.Task.ToString().ToLowerInvariant());
        Meta("trainer", model.Info.Trainer);
        Meta("target", model.Info.Target);
        Meta("inputs", System.Text.Json.JsonSerializer.Serialize(model.Transforms.Inputs.Select(i => new
        {
            name = i.Column.Name,
            type = i.Column.Type.ToString().ToLowerInvariant(),
            categories = i.Column.Type == ColumnType.Categorical ? i.Column.Categories : null,
        })));
        if (model.Task != TaskKind.Regression) Meta("classes", System.Text.Json.JsonSerializer.Serialize(model.Info.Classes));
        return m;
    }

    /// <summary>The encoded feature matrix [N, features] from the input matrix, as the fitted transforms define it.</summary>
    private static string Features(OnnxGraph g, FeatureTransforms t, bool asDouble)
    {
        var x = asDouble ? g.Node("Cast", [InputName], null, "", OnnxGraph.Int("to", OnnxTypes.Double)) : InputName;
        string Const(double v) => asDouble ? g.Doubles("c", [], [v]) : g.Floats("c", [], [(float)v]);


        string features;
        var simple = t.Inputs.Select((e, idx) => (e, idx)).All(p => p.e.Kind is EncodingKind.Numeric or EncodingKind.Ordinal && p.e.FirstFeature == p.idx);
        if (simple && t.FeatureCount == t.InputCount) features = x;
        else
        {
            var parts = new List<string>();
            var timestamp = 0;
            for (var i = 0; i < t.InputCount; i++)
            {
                var e = t.Inputs[i];
                if (e.Kind == EncodingKind.TimestampParts)
                {
                    var secs = g.Node("Gather", [TimestampsName, g.Int64s("col", [1], [timestamp++])], null, "", OnnxGraph.Int("axis", 1));
                    var partsOf = OnnxTimestamp.Parts(g, secs);
                    parts.Add(asDouble ? partsOf : g.Node("Cast", [partsOf], null, "", OnnxGraph.Int("to", OnnxTypes.Float)));
                    continue;
                }
                var column = g.Node("Gather", [x, g.Int64s("col", [1], [i])], null, "", OnnxGraph.Int("axis", 1));   // [N, 1]
                if (e.Kind is EncodingKind.Numeric or EncodingKind.Ordinal) { parts.Add(column); continue; }
                // One-hot: rows of an identity matrix picked by category index; the extra last row (all zeros) takes
                // missing, unseen and out-of-range values, as FeatureTransforms.EncodeRow does.
                var kCats = e.FeatureCount;
                var outside = g.Node("Or", [g.Node("Less", [column, Const(0)]), g.Node("Not", [g.Node("Less", [column, Const(kCats)])])]);
                var index = g.Node("Cast", [g.Node("Where", [outside, Const(kCats), column])], null, "", OnnxGraph.Int("to", OnnxTypes.Int64));
                var eye = new double[(kCats + 1) * kCats];
                for (var c = 0; c < kCats; c++) eye[c * kCats + c] = 1;
                var table = asDouble ? g.Doubles("onehot", [kCats + 1, kCats], eye) : g.Floats("onehot", [kCats + 1, kCats], eye.Select(v => (float)v));
                var picked = g.Node("Gather", [table, index], null, "", OnnxGraph.Int("axis", 0));           // [N, 1, K]
                parts.Add(g.Node("Reshape", [picked, g.Int64s("shape", [2], [-1, kCats])]));
            }
            features = parts.Count == 1 ? parts[0] : g.Node("Concat", [.. parts], null, "", OnnxGraph.Int("axis", 1));
        }

        var s = t.Scaling;
        if (s.All(v => double.IsNaN(v.Fill) && v.Center == 0 && v.Scale == 1)) return features;
        long f = t.FeatureCount;
        string Row(Func<FeatureScaling, double> pick) =>
            asDouble ? g.Doubles("scaling", [1, f], s.Select(pick)) : g.Floats("scaling", [1, f], s.Select(v => (float)pick(v)));
        var filled = g.Node("Where", [g.Node("IsNaN", [features]), Row(v => v.Fill), features]);
        return g.Node("Mul", [g.Node("Sub", [filled, Row(v => v.Center)]), Row(v => v.Scale)]);
    }

    private static string Linear(OnnxGraph g, LinearModel linear, string features)
    {
        long f = linear.FeatureCount, k = linear.OutputCount;
        var transposed = new double[f * k];
        for (var o = 0; o < k; o++)
            for (var j = 0; j < f; j++) transposed[j * k + o] = linear.Weights[(int)(o * f + j)];
        var product = g.Node("MatMul", [features, g.Doubles("weights", [f, k], transposed)]);
        return g.Node("Add", [product, g.Doubles("intercepts", [k], linear.Intercepts.ToArray())]);
    }

    /// <summary>ai.onnx.ml TreeEnsembleRegressor (opset 3, double thresholds and leaf values), one target per raw output.</summary>
    private static string Trees(OnnxGraph g, TreeEnsemble trees, string features)
    {
        var k = trees.OutputCount;
        List<long> treeIds = [], nodeIds = [], featureIds = [], trueIds = [], falseIds = [], missingTrue = [];
        List<string> modes = [];
        List<double> values = [];
        List<long> targetTree = [], targetNode = [], targetId = [];
        List<double> weights = [];
        var nodes = trees.Nodes;
        var leaves = trees.Leaves;
        for (var t = 0; t < trees.TreeCount; t++)
        {
            // Number this tree's nodes in visiting order; internal node ids and leaf ids share one range per tree.
            var ids = new Dictionary<int, long>();
            var order = new List<int>();
            var queue = new Queue<int>();
            queue.Enqueue(trees.Roots[t]);
            while (queue.Count > 0)
            {
                var c = queue.Dequeue();
                ids[c] = order.Count;
                order.Add(c);
                if (c >= 0)
                {
                    queue.Enqueue(nodes[c].Left);
                    queue.Enqueue(nodes[c].Right);
                }
            }
            foreach (var c in order)
            {
                treeIds.Add(t);
                nodeIds.Add(ids[c]);
                if (c >= 0)
                {
                    var n = nodes[c];
                    featureIds.Add(n.Feature);
                    modes.Add("BRANCH_LEQ");
                    // The graph's input is float: a value equal to the threshold in the data arrives rounded to the
                    // nearest float, so the threshold is rounded the same way and the value still goes left.
                    values.Add((float)n.Threshold);
                    trueIds.Add(ids[n.Left]);
                    falseIds.Add(ids[n.Right]);
                    missingTrue.Add(n.DefaultLeft ? 1 : 0);
                }
                else
                {
                    featureIds.Add(0);
                    modes.Add("LEAF");
                    values.Add(0);
                    trueIds.Add(0);
                    falseIds.Add(0);
                    missingTrue.Add(0);
                    targetTree.Add(t);
                    targetNode.Add(ids[c]);
                    targetId.Add(k == 1 ? 0 : t % k);
                    weights.Add(leaves[~c]);
                }
            }
        }
        return g.Node("TreeEnsembleRegressor", [features], null, "ai.onnx.ml",
            OnnxGraph.Int("n_targets", k),
            OnnxGraph.Str("aggregate_function", "SUM"),
            OnnxGraph.Str("post_transform", "NONE"),
            OnnxGraph.DoubleTensor("base_values_as_tensor", trees.BaseScores.ToArray()),
            OnnxGraph.Ints("nodes_treeids", treeIds),
            OnnxGraph.Ints("nodes_nodeids", nodeIds),
            OnnxGraph.Ints("nodes_featureids", featureIds),
            OnnxGraph.Strs("nodes_modes", modes),
            OnnxGraph.DoubleTensor("nodes_values_as_tensor", values),
            OnnxGraph.Ints("nodes_truenodeids", trueIds),
            OnnxGraph.Ints("nodes_falsenodeids", falseIds),
            OnnxGraph.Ints("nodes_missing_value_tracks_true", missingTrue),
            OnnxGraph.Ints("target_treeids", targetTree),
            OnnxGraph.Ints("target_nodeids", targetNode),
            OnnxGraph.Ints("target_ids", targetId),
            OnnxGraph.DoubleTensor("target_weights_as_tensor", weights));
    }

    /// <summary>Copies an external model's graph in, its names prefixed, its input fed by our features; returns its score tensor.</summary>
    private static string Embed(OnnxGraph g, OnnxEstimatorGraph sub, string features)
    {
        const string prefix = "ext/";
        string Rename(string name) => name.Length == 0 ? name : name == sub.Input ? features : prefix + name;
        var graph = sub.Model.Graph;
        foreach (var init in graph.Initializer)
        {
            var copy = init.Clone();
            copy.Name = Rename(init.Name);
            g.Graph.Initializer.Add(copy);
        }
        foreach (var node in graph.Node)
        {
            var copy = node.Clone();
            copy.Name = prefix + node.Name;
            copy.Input.Clear();
            copy.Input.AddRange(node.Input.Select(Rename));
            copy.Output.Clear();
            copy.Output.AddRange(node.Output.Select(Rename));
            g.Graph.Node.Add(copy);
        }
        return Rename(sub.Output);
    }

    private static void WriteOutputs(OnnxGraph g, TrainedModel model, string score, OnnxScoreKind kind)
    {
        var k = model.Info.Classes.Count;
        string probabilities;
        switch (kind)
        {
            case OnnxScoreKind.Value:
                WriteValue(g, g.Node("Reshape", [score, g.Int64s("shape", [2], [-1, 1])]));
                return;
            case OnnxScoreKind.PositiveProbability:
                var p = g.Node("Reshape", [score, g.Int64s("shape", [2], [-1, 1])]);
                var q = g.Node("Sub", [g.Floats("one", [], [1f]), p]);
                probabilities = g.Node("Concat", [q, p], ProbabilitiesName, "", OnnxGraph.Int("axis", 1));
                break;
            default:
                probabilities = g.Node("Reshape", [score, g.Int64s("shape", [2], [-1, k])], ProbabilitiesName);
                break;
        }
        var best = g.Node("ArgMax", [probabilities], null, "", OnnxGraph.Int("axis", 1), OnnxGraph.Int("keepdims", 0));
        g.Node("Gather", [g.Strings("classes", model.Info.Classes), best], LabelName, "", OnnxGraph.Int("axis", 0));
        g.Graph.Output.Add(OnnxGraph.Tensor(LabelName, OnnxTypes.String, -1));
        g.Graph.Output.Add(OnnxGraph.Tensor(ProbabilitiesName, OnnxTypes.Float, -1, k));
    }

    private static void WriteValue(OnnxGraph g, string value)
    {
        g.Node("Identity", [value], ValueName);
        g.Graph.Output.Add(OnnxGraph.Tensor(ValueName, OnnxTypes.Float, -1, 1));
    }
}

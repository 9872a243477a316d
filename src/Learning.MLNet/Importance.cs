using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlOps.Learning.MLNet;

/// <summary>Feature importance from ML.NET models: LightGBM's gain per feature, or the mean absolute linear weight.</summary>
internal static class Importance
{
    public static double[] Of(ITransformer transformer, int featureCount)
    {
        var result = new double[featureCount];
        var model = transformer.GetType().GetProperty("Model")?.GetValue(transformer);
        Add(model, result, 0);
        return result;
    }

    /// <summary>The most derived property of that name (generic bases redeclare some, which makes GetProperty ambiguous).</summary>
    private static PropertyInfo? Prop(Type type, string name) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance).FirstOrDefault(p => p.Name == name && p.GetIndexParameters().Length == 0);

    private static void Add(object? model, double[] result, int depth)
    {
        if (model is null || depth > 3) return;
        var type = model.GetType();
        // Calibrated binary models wrap the scorer.
        if (Prop(type, "SubModel")?.GetValue(model) is { } sub) { Add(sub, result, depth + 1); return; }
        // One-versus-all multiclass (LightGBM): the per-class models.
        if (Prop(type, "SubModelParameters")?.GetValue(model) is System.Collections.IEnumerable subs)
        {
            foreach (var s in subs) Add(s, result, depth + 1);
            return;
        }
        var getFeatureWeights = type.GetMethod("GetFeatureWeights", [typeof(VBuffer<float>).MakeByRefType()]);
        if (getFeatureWeights is not null)
        {
            var args = new object?[] { default(VBuffer<float>) };
            getFeatureWeights.Invoke(model, args);
            var weights = ((VBuffer<float>)args[0]!).DenseValues().ToArray();
            for (var f = 0; f < Math.Min(weights.Length, result.Length); f++) result[f] += Math.Abs(weights[f]);
            return;
        }
        if (Prop(type, "Weights")?.GetValue(model) is IReadOnlyList<float> linear)
        {
            for (var f = 0; f < Math.Min(linear.Count, result.Length); f++) result[f] += Math.Abs(linear[f]);
            return;
        }
        var getWeights = type.GetMethod("GetWeights", [typeof(VBuffer<float>[]).MakeByRefType(), typeof(int).MakeByRefType()]);
        if (getWeights is not null)
        {
            var args = new object?[] { null, 0 };
            getWeights.Invoke(model, args);
            var perClass = (VBuffer<float>[])args[0]!;
            foreach (var w in perClass)
            {
                var values = w.DenseValues().ToArray();
                for (var f = 0; f < Math.Min(values.Length, result.Length); f++) result[f] += Math.Abs(values[f]) / perClass.Length;
            }
        }
    }
}

using MlOps.Learning.Data;

namespace MlOps.Learning.Transforms;

/// <summary>Which family of estimator the features are for: it decides encoding, imputation and scaling.</summary>
public enum FeatureStyle : byte
{
    /// <summary>Ordinal categories, missing kept as NaN (trees learn a default direction), no scaling.</summary>
    Trees = 1,
    /// <summary>One-hot categories, mean imputation, standardisation to zero mean and unit variance.</summary>
    Linear = 2,
}

/// <summary>Fits <see cref="FeatureTransforms"/> on training data.</summary>
public static class TransformFitter
{
    /// <summary>Categories beyond this many (most frequent first) are folded into "unknown" for one-hot.</summary>
    public const int MaxOneHotCategories = 100;

    public static FeatureTransforms Fit(TabularFrame frame, IReadOnlyList<string> inputColumns, FeatureStyle style)
    {
        var inputs = new List<InputEncoding>();
        var names = new List<string>();
        foreach (var name in inputColumns)
        {
            var col = frame[name];
            var first = names.Count;
            switch (col.Type)
            {
                case ColumnType.Categorical:
                    var cats = FittedCategories(col, style == FeatureStyle.Linear ? MaxOneHotCategories : int.MaxValue);
                    var schema = new ColumnSchema(name, ColumnType.Categorical, cats);
                    if (style == FeatureStyle.Linear)
                    {
                        foreach (var c in cats) names.Add($"{name}={c}");
                        inputs.Add(new InputEncoding(schema, EncodingKind.OneHot, first, cats.Length));
                    }
                    else
                    {
                        names.Add(name);
                        inputs.Add(new InputEncoding(schema, EncodingKind.Ordinal, first, 1));
                    }
                    break;
                case ColumnType.Timestamp:
                    foreach (var p in FeatureTransforms.TimestampPartNames) names.Add($"{name}.{p}");
                    inputs.Add(new InputEncoding(new ColumnSchema(name, col.Type), EncodingKind.TimestampParts, first, FeatureTransforms.TimestampPartCount));
                    break;
                default:
                    names.Add(name);
                    inputs.Add(new InputEncoding(new ColumnSchema(name, col.Type), EncodingKind.Numeric, first, 1));
                    break;
            }
        }
        var scaling = new FeatureScaling[names.Count];
        Array.Fill(scaling, FeatureScaling.Identity);
        var unscaled = new FeatureTransforms(inputs, names, scaling);
        if (style == FeatureStyle.Trees) return unscaled;

        // Read-only encoding: untransformed numeric features are the frame's arrays, not copies.
        var encoded = unscaled.EncodeColumnsReadOnly(frame);
        foreach (var enc in inputs)
        {
            for (var p = 0; p < enc.FeatureCount; p++)
            {
                var f = enc.FirstFeature + p;
                scaling[f] = enc.Kind == EncodingKind.OneHot ? new FeatureScaling(0, 0, 1) : Standardise(encoded[f]);
            }
        }
        return new FeatureTransforms(inputs, names, scaling);
    }

    /// <summary>Mean imputation then z-scoring; a constant feature is scaled to zero so it cannot matter.</summary>
    private static FeatureScaling Standardise(double[] values)
    {
        double sum = 0, n = 0;
        foreach (var v in values) if (!double.IsNaN(v)) { sum += v; n++; }
        var mean = n > 0 ? sum / n : 0;
        double ss = 0;
        foreach (var v in values) if (!double.IsNaN(v)) ss += (v - mean) * (v - mean);
        var std = n > 1 ? Math.Sqrt(ss / n) : 0;
        return new FeatureScaling(mean, mean, std > 1e-12 ? 1 / std : 0);
    }

    /// <summary>Categories seen in training, sorted ordinally (stable across runs); capped by frequency for one-hot.</summary>
    private static string[] FittedCategories(Column col, int max)
    {
        var counts = new int[col.Categories.Count];
        foreach (var c in col.Codes) if (c >= 0) counts[c]++;
        var present = Enumerable.Range(0, counts.Length).Where(k => counts[k] > 0).ToList();
        if (present.Count > max)
            present = [.. present.OrderByDescending(k => counts[k]).ThenBy(k => col.Categories[k], StringComparer.Ordinal).Take(max)];
        return [.. present.Select(k => col.Categories[k]).Order(StringComparer.Ordinal)];
    }
}

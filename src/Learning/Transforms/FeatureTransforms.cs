using MlOps.Learning.Data;

namespace MlOps.Learning.Transforms;

/// <summary>
/// The fitted transforms of a model: they turn input rows (in input-schema order) into the feature
/// vector the estimator was trained on. Immutable; serving applies exactly what training fitted.
/// </summary>
/// <remarks>
/// An input row is a span of doubles in schema order: numbers as-is, booleans 0/1, timestamps as Unix
/// seconds, categorical values as their index in the fitted category list (see <see cref="CategoryIndex"/>),
/// and NaN for missing.
/// </remarks>
public sealed class FeatureTransforms
{
    public const int TimestampPartCount = 6;
    private readonly Dictionary<string, int>[] _categoryIndex;
    private readonly Dictionary<string, int> _inputIndex;

    public FeatureTransforms(IReadOnlyList<InputEncoding> inputs, IReadOnlyList<string> featureNames, IReadOnlyList<FeatureScaling> scaling)
    {
        Inputs = inputs;
        FeatureNames = featureNames;
        Scaling = [.. scaling];
        _inputIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        _categoryIndex = new Dictionary<string, int>[inputs.Count];
        for (var i = 0; i < inputs.Count; i++)
        {
            _inputIndex.Add(inputs[i].Column.Name, i);
            var map = new Dictionary<string, int>(StringComparer.Ordinal);
            var cats = inputs[i].Column.Categories ?? [];
            for (var k = 0; k < cats.Count; k++) map[cats[k]] = k;
            _categoryIndex[i] = map;
        }
    }

    public IReadOnlyList<InputEncoding> Inputs { get; }
    public IReadOnlyList<string> FeatureNames { get; }
    public FeatureScaling[] Scaling { get; }
    public int InputCount => Inputs.Count;
    public int FeatureCount => FeatureNames.Count;

    /// <summary>The position of an input column in the input row, or -1.</summary>
    public int InputIndex(string column) => _inputIndex.TryGetValue(column, out var i) ? i : -1;

    /// <summary>The input-row value of a category: its fitted index, or NaN when missing or never seen in training.</summary>
    public double CategoryIndex(int input, string? value) =>
        value is not null && _categoryIndex[input].TryGetValue(value, out var k) ? k : double.NaN;

    /// <summary>Encodes one input row into <paramref name="features"/> (length <see cref="FeatureCount"/>). Allocation-free.</summary>
    public void EncodeRow(ReadOnlySpan<double> inputs, Span<double> features)
    {
        if (inputs.Length < Inputs.Count) throw new ArgumentException($"Expected {Inputs.Count} input values, got {inputs.Length}.", nameof(inputs));
        if (features.Length < FeatureCount) throw new ArgumentException($"Expected room for {FeatureCount} features.", nameof(features));
        for (var i = 0; i < Inputs.Count; i++)
        {
            var enc = Inputs[i];
            var x = inputs[i];
            var f = enc.FirstFeature;
            switch (enc.Kind)
            {
                case EncodingKind.Numeric:
                case EncodingKind.Ordinal:
                    features[f] = x;
                    break;
                case EncodingKind.OneHot:
                    features.Slice(f, enc.FeatureCount).Clear();
                    if (!double.IsNaN(x) && x >= 0 && x < enc.FeatureCount) features[f + (int)x] = 1;
                    break;
                case EncodingKind.TimestampParts:
                    WriteTimestampParts(x, features.Slice(f, TimestampPartCount));
                    break;
            }
        }
        var scaling = Scaling;
        for (var f = 0; f < FeatureCount; f++) features[f] = scaling[f].Apply(features[f]);
    }

    /// <summary>Encodes a whole frame into feature columns (column-major), matching columns by name.</summary>
    public double[][] EncodeColumns(TabularFrame frame, int maxDegreeOfParallelism = 0) => Encode(frame, maxDegreeOfParallelism, share: false);

    /// <summary>
    /// Like <see cref="EncodeColumns"/>, but a numeric feature that needs no transform is the frame's own
    /// array rather than a copy: training reads features only, and copying a million-row column set costs
    /// more than fitting some models. Callers must not write to the result.
    /// </summary>
    internal double[][] EncodeColumnsReadOnly(TabularFrame frame, int maxDegreeOfParallelism = 0) => Encode(frame, maxDegreeOfParallelism, share: true);

    private double[][] Encode(TabularFrame frame, int maxDegreeOfParallelism, bool share)
    {
        var n = frame.RowCount;
        var result = new double[FeatureCount][];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism <= 0 ? Environment.ProcessorCount : maxDegreeOfParallelism };
        // Each input column is encoded by one task into its own feature arrays: no shared writes.
        Parallel.For(0, Inputs.Count, parallel, i =>
        {
            var enc = Inputs[i];
            var s0 = Scaling[enc.FirstFeature];
            if (share && enc.Kind == EncodingKind.Numeric && double.IsNaN(s0.Fill) && s0.Center == 0 && s0.Scale == 1
                && frame.TryGetColumn(enc.Column.Name, out var col) && col.NumberArray is { } shared)
            {
                result[enc.FirstFeature] = shared;
                return;
            }
            var raw = InputValues(frame, i);
            for (var p = 0; p < enc.FeatureCount; p++)
            {
                var f = enc.FirstFeature + p;
                // The numeric case reuses the input copy; the others build a fresh array.
                var dst = enc.Kind is EncodingKind.Numeric or EncodingKind.Ordinal ? raw : GC.AllocateUninitializedArray<double>(n);
                switch (enc.Kind)
                {
                    case EncodingKind.OneHot:
                        for (var r = 0; r < n; r++) dst[r] = raw[r] == p ? 1 : 0;
                        break;
                    case EncodingKind.TimestampParts:
                        for (var r = 0; r < n; r++) dst[r] = TimestampPart(raw[r], p);
                        break;
                }
                var s = Scaling[f];
                if (!(double.IsNaN(s.Fill) && s.Center == 0 && s.Scale == 1))
                    for (var r = 0; r < n; r++) dst[r] = s.Apply(dst[r]);
                result[f] = dst;
            }
        });
        return result;
    }

    /// <summary>
    /// Like <see cref="InputValues"/>, but a numeric column is the frame's own array rather than a copy (scoring a
    /// frame only reads its inputs). Callers must not write to the result.
    /// </summary>
    internal double[] InputValuesReadOnly(TabularFrame frame, int input) =>
        Inputs[input].Column.Type != ColumnType.Categorical && frame.TryGetColumn(Inputs[input].Column.Name, out var col)
            && col.NumberArray is { } shared ? shared : InputValues(frame, input);

    /// <summary>The input-row values of one input column for every row of a frame.</summary>
    public double[] InputValues(TabularFrame frame, int input)
    {
        var schema = Inputs[input].Column;
        if (!frame.TryGetColumn(schema.Name, out var col))
            throw new InvalidDataException($"The data has no column '{schema.Name}', which the model needs.");
        var values = GC.AllocateUninitializedArray<double>(frame.RowCount);
        if (schema.Type == ColumnType.Categorical)
        {
            if (col.IsCategorical)
            {
                // Map the frame's own category codes to the fitted indices once per category.
                var map = new double[col.Categories.Count];
                for (var k = 0; k < map.Length; k++) map[k] = CategoryIndex(input, col.Categories[k]);
                var codes = col.Codes;
                for (var r = 0; r < values.Length; r++) values[r] = codes[r] < 0 ? double.NaN : map[codes[r]];
            }
            else
            {
                for (var r = 0; r < values.Length; r++) values[r] = CategoryIndex(input, col.Format(r));
            }
            return values;
        }
        if (col.IsCategorical)
            throw new InvalidDataException($"Column '{schema.Name}' holds text, but the model expects {schema.Type.ToString().ToLowerInvariant()} values.");
        col.Numbers.CopyTo(values);
        return values;
    }

    private static void WriteTimestampParts(double unixSeconds, Span<double> parts)
    {
        for (var p = 0; p < TimestampPartCount; p++) parts[p] = TimestampPart(unixSeconds, p);
    }

    public static double TimestampPart(double unixSeconds, int part)
    {
        if (double.IsNaN(unixSeconds)) return double.NaN;
        var t = DateTime.UnixEpoch.AddSeconds(Math.Clamp(unixSeconds, -6e10, 2.5e11));
        return part switch
        {
            0 => t.Year,
            1 => t.Month,
            2 => t.Day,
            3 => (int)t.DayOfWeek,
            4 => t.DayOfYear,
            _ => t.Hour,
        };
    }

    internal static readonly string[] TimestampPartNames = ["year", "month", "day", "dayOfWeek", "dayOfYear", "hour"];
}

using Microsoft.ML;
using Microsoft.ML.Data;
using MlOps.Learning;

namespace MlOps.Learning.MLNet;

/// <summary>
/// An ML.NET <see cref="IDataView"/> over the platform's encoded feature columns (column-major doubles), with an
/// optional label: data reaches ML.NET from the platform's own columns, never by parsing text a second time.
/// Columns: <c>Features</c> (float vector) and, when labels are given, <c>Label</c> (boolean for binary, a key
/// for multiclass, float for regression).
/// </summary>
internal sealed class FeatureMatrixView : IDataView
{
    public const string FeaturesColumn = "Features";
    public const string LabelColumn = "Label";

    private readonly double[][] _features;
    private readonly double[]? _labels;
    private readonly TaskKind _task;
    private readonly int _rows;

    public FeatureMatrixView(double[][] features, int rows, double[]? labels = null, TaskKind task = TaskKind.Regression, int classCount = 0)
    {
        _features = features;
        _rows = rows;
        _labels = labels;
        _task = task;
        Schema = BuildSchema(features.Length, labels is null ? null : task, classCount);
    }

    /// <summary>The schema of prediction input: the feature vector only (no label), as ONNX export and saving need.</summary>
    public static DataViewSchema FeaturesOnlySchema(int featureCount) => BuildSchema(featureCount, null, 0);

    private static DataViewSchema BuildSchema(int featureCount, TaskKind? labelTask, int classCount)
    {
        var b = new DataViewSchema.Builder();
        b.AddColumn(FeaturesColumn, new VectorDataViewType(NumberDataViewType.Single, featureCount));
        if (labelTask is { } t)
        {
            DataViewType label = t switch
            {
                TaskKind.Binary => BooleanDataViewType.Instance,
                TaskKind.Multiclass => new KeyDataViewType(typeof(uint), classCount),
                _ => NumberDataViewType.Single,
            };
            b.AddColumn(LabelColumn, label);
        }
        return b.ToSchema();
    }

    public bool CanShuffle => false;
    public DataViewSchema Schema { get; }
    public long? GetRowCount() => _rows;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(this);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [new Cursor(this)];

    private sealed class Cursor(FeatureMatrixView view) : DataViewRowCursor
    {
        private long _position = -1;

        public override DataViewSchema Schema => view.Schema;
        public override long Position => _position;
        public override long Batch => 0;

        public override bool MoveNext()
        {
            if (_position + 1 < view._rows)
            {
                _position++;
                return true;
            }
            _position = view._rows;
            return false;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);

        public override bool IsColumnActive(DataViewSchema.Column column) => true;

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index == 0)
            {
                var x = view._features;
                ValueGetter<VBuffer<float>> features = (ref VBuffer<float> dst) =>
                {
                    var row = (int)_position;
                    var editor = VBufferEditor.Create(ref dst, x.Length);
                    for (var f = 0; f < x.Length; f++) editor.Values[f] = (float)x[f][row];
                    dst = editor.Commit();
                };
                return (ValueGetter<TValue>)(Delegate)features;
            }
            var y = view._labels ?? throw new InvalidOperationException("This view has no label column.");
            Delegate getter = view._task switch
            {
                TaskKind.Binary => (ValueGetter<bool>)((ref bool v) => v = y[(int)_position] > 0.5),
                // Key values are 1-based; 0 means missing.
                TaskKind.Multiclass => (ValueGetter<uint>)((ref uint v) => v = (uint)y[(int)_position] + 1),
                _ => (ValueGetter<float>)((ref float v) => v = (float)y[(int)_position]),
            };
            return (ValueGetter<TValue>)getter;
        }
    }
}

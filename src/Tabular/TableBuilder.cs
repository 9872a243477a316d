using System.Runtime.CompilerServices;
using System.Text;

namespace MlOps.Tabular;

/// <summary>
/// Builds typed columns while the scanner streams a batch, without a string per field: numbers are parsed once from the
/// UTF-8 bytes (shared with the scan's type inference) into doubles, and text values are coded through a dictionary of
/// UTF-8 values. Each stretch keeps a column as numbers until a value is not one; a stretch that finds text after numbers
/// reads itself again with that column as text. Stretches are joined in input order; a column that turns out to be text
/// after earlier stretches kept it as numbers cannot be joined, and <see cref="NeedsSecondPass"/> asks the reader to read
/// the batch again knowing the text columns from the start.
/// </summary>
internal sealed class TableBuilder(Func<string, bool> startAsText) : ITabularPartitionedVisitor
{
    readonly List<ColumnState> _columns = [];
    Part? _sequential;

    public bool NeedsSecondPass { get; private set; }
    public IReadOnlyList<ColumnState> Columns => _columns;

    internal sealed class ColumnState(string name, bool text)
    {
        public string Name { get; } = name;
        public bool Text { get; set; } = text;
        public bool HasNumbers { get; set; }
        public long Rows { get; set; }
        public List<double[]> Numbers { get; } = [];
        public List<int[]> Codes { get; } = [];
        public Utf8ValueCounter Categories { get; } = new();
    }

    public void OnColumn(int index, string name, long precedingRows)
    {
        _columns.Add(new ColumnState(name, startAsText(name)));
        // NDJSON: a key that first appears late; the rows before lacked it.
        _sequential?.AddColumn(precedingRows);
    }

    /// <summary>The sequential path (NDJSON, UTF-16 CSV): one part for the whole batch that keeps numbers and text alike.</summary>
    public void OnRow(IReadOnlyList<string> values, long line)
    {
        _sequential ??= new Part(new bool[_columns.Count], keepBoth: true, expectedRows: 1024);
        _sequential.OnRow(values);
    }

    public ITabularPartVisitor CreatePart() => new Part([.. _columns.Select(c => c.Text)], keepBoth: false, expectedRows: 4096);

    public void Merge(ITabularPartVisitor part)
    {
        var p = (Part)part;
        if (NeedsSecondPass || p.WantsRetry)
        {
            NeedsSecondPass = true;
            return;
        }
        for (var c = 0; c < _columns.Count; c++)
        {
            var column = _columns[c];
            if (p.IsText(c))
            {
                if (column.HasNumbers)
                {
                    NeedsSecondPass = true;
                    return;
                }
                if (!column.Text)
                {
                    column.Text = true;
                    column.Numbers.Clear();
                    if (column.Rows > 0)
                        column.Codes.Add(Missing((int)column.Rows));
                }
                column.Codes.Add(p.GlobalCodes(c, column.Categories));
            }
            else if (column.Text)
            {
                if (p.SawNumber(c))
                {
                    NeedsSecondPass = true;
                    return;
                }
                column.Codes.Add(Missing(p.Rows));
            }
            else
            {
                column.Numbers.Add(p.Numbers(c));
                column.HasNumbers |= p.SawNumber(c);
            }
            column.Rows += p.Rows;
        }
    }

    static int[] Missing(int rows)
    {
        var codes = new int[rows];
        codes.AsSpan().Fill(-1);
        return codes;
    }

    /// <summary>After the sequential path: its one part joined as the only stretch, each column as numbers or text by its final type.</summary>
    internal void FinishSequential(IReadOnlyList<string> types)
    {
        if (_sequential is not { } p)
            return;
        for (var c = 0; c < _columns.Count; c++)
        {
            var column = _columns[c];
            column.Text = !ColumnTypes.IsNumeric(types[c]);
            if (column.Text)
                column.Codes.Add(p.GlobalCodes(c, column.Categories));
            else
                column.Numbers.Add(p.Numbers(c));
            column.Rows = p.Rows;
        }
        _sequential = null;
    }

    /// <summary>The values of one stretch, on one thread.</summary>
    internal sealed class Part : IRetryingPart
    {
        readonly bool[] _text;
        readonly bool _keepBoth;
        readonly int _expectedRows;
        readonly List<Growing<double>> _numbers = [];
        readonly List<Growing<int>> _codes = [];
        readonly List<bool> _hasNumbers = [], _hasCodes = [], _sawNumber = [];
        readonly List<Utf8ValueCounter?> _local = [];
        bool[]? _retryText;
        byte[] _utf8 = new byte[256];

        public Part(bool[] text, bool keepBoth, int expectedRows)
        {
            _text = text;
            _keepBoth = keepBoth;
            _expectedRows = expectedRows;
            foreach (var isText in text)
                AddColumn(0, isText);
        }

        public int Rows { get; private set; }
        public bool WantsRetry => _retryText is not null;

        public void AddColumn(long precedingRows) => AddColumn(precedingRows, false);

        void AddColumn(long precedingRows, bool isText)
        {
            var numbers = !isText || _keepBoth;
            var codes = isText || _keepBoth;
            _numbers.Add(numbers ? new Growing<double>(_expectedRows) : default);
            _codes.Add(codes ? new Growing<int>(_expectedRows) : default);
            _hasNumbers.Add(numbers);
            _hasCodes.Add(codes);
            _sawNumber.Add(false);
            _local.Add(codes ? new Utf8ValueCounter() : null);
            var c = _numbers.Count - 1;
            for (long r = 0; r < precedingRows; r++)
                AddMissing(c);
        }

        public bool IsText(int c) => _hasCodes[c];
        public bool SawNumber(int c) => _sawNumber[c];
        public double[] Numbers(int c) => _numbers[c].Span.ToArray();

        public ITabularPartVisitor? Retry() => _retryText is { } text ? new Part(text, _keepBoth, Math.Max(_expectedRows, Rows)) : null;

        /// <summary>The stretch's codes renumbered into the column's dictionary, which keeps the order of first appearance.</summary>
        public int[] GlobalCodes(int c, Utf8ValueCounter global)
        {
            var codes = _codes[c].Span;
            var result = new int[codes.Length];
            if (_local[c] is not { } local)
            {
                result.AsSpan().Fill(-1);
                return result;
            }
            var map = new int[local.Count];
            for (var id = 0; id < map.Length; id++)
                map[id] = global.Intern(local.ValueAt(id));
            for (var r = 0; r < codes.Length; r++)
                result[r] = codes[r] < 0 ? -1 : map[codes[r]];
            return result;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot: once per value
        public void OnRow(ref TabularRow row)
        {
            if (_retryText is not null)
                return;
            var columns = _numbers.Count;
            for (var c = 0; c < columns; c++)
            {
                if (row.IsMissing(c))
                {
                    AddMissing(c);
                    continue;
                }
                if (!_hasNumbers[c])
                {
                    // A text column: no number to parse.
                    CollectionsMarshal(_codes, c).Add(_local[c]!.Intern(row.Utf8(c)));
                    continue;
                }
                var isNumber = row.TryGetNumber(c, out var x);
                if (!Add(c, isNumber, x, row.Utf8(c)))
                    return;
            }
            Rows++;
        }

        /// <summary>A row of the sequential path, as text.</summary>
        public void OnRow(IReadOnlyList<string> values)
        {
            for (var c = 0; c < values.Count; c++)
            {
                var value = values[c];
                if (NullTokens.IsMissing(value))
                {
                    AddMissing(c);
                    continue;
                }
                if (_utf8.Length < 3 * value.Length)
                    _utf8 = new byte[3 * value.Length];
                var bytes = _utf8.AsSpan(0, Encoding.UTF8.GetBytes(value, _utf8));
                var isNumber = Utf8Number.TryParse(bytes, out var x, out _, needInteger: false);
                Add(c, isNumber, x, bytes);
            }
            Rows++;
        }

        void AddMissing(int c)
        {
            if (_hasNumbers[c])
                CollectionsMarshal(_numbers, c).Add(double.NaN);
            if (_hasCodes[c])
                CollectionsMarshal(_codes, c).Add(-1);
        }

        /// <summary>Adds a present value; false when the stretch must be read again with this column as text.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        bool Add(int c, bool isNumber, double x, ReadOnlySpan<byte> utf8)
        {
            if (_hasNumbers[c])
            {
                CollectionsMarshal(_numbers, c).Add(isNumber ? x : double.NaN);
                if (isNumber)
                    _sawNumber[c] = true;
            }
            if (_hasCodes[c])
            {
                CollectionsMarshal(_codes, c).Add(_local[c]!.Intern(utf8));
                return true;
            }
            if (isNumber)
                return true;
            if (_sawNumber[c])
            {
                _retryText = [.. _text];
                _retryText[c] = true;
                return false;
            }
            // Only missing values so far: this stretch keeps the column as text from here, its earlier rows missing.
            var rows = _numbers[c].Count - 1;
            _hasNumbers[c] = false;
            _numbers[c] = default;
            _hasCodes[c] = true;
            var codes = new Growing<int>(_expectedRows);
            for (var r = 0; r < rows; r++)
                codes.Add(-1);
            var local = new Utf8ValueCounter();
            codes.Add(local.Intern(utf8));
            _codes[c] = codes;
            _local[c] = local;
            return true;
        }

        static ref Growing<T> CollectionsMarshal<T>(List<Growing<T>> list, int i) =>
            ref System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list)[i];
    }
}

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
internal sealed class TableBuilder(Func<string, bool> startAsText, int capacity) : ITabularPartitionedVisitor
{
    readonly List<ColumnState> _columns = [];
    Part? _sequential;

    public bool NeedsSecondPass { get; private set; }
    public IReadOnlyList<ColumnState> Columns => _columns;

    /// <summary>
    /// One column's values so far, written straight into the array the table will hold: its length is the batch's row
    /// count when known (or an upper bound), so no stretch is copied twice.
    /// </summary>
    internal sealed class ColumnState(string name, bool text, int capacity)
    {
        public string Name { get; } = name;
        public bool Text { get; private set; } = text;
        public bool HasNumbers { get; set; }
        public int Rows { get; set; }
        public double[]? Numbers { get; private set; }
        public int[]? Codes { get; private set; }
        public Utf8ValueCounter Categories { get; } = new();

        public Span<double> NumbersFor(int rows)
        {
            Numbers ??= new double[Math.Max(capacity, rows)];
            var numbers = Numbers;
            Grow(ref numbers, Rows + rows);
            Numbers = numbers;
            return Numbers.AsSpan(Rows, rows);
        }

        public Span<int> CodesFor(int rows)
        {
            if (Codes is null)
            {
                Codes = new int[Math.Max(capacity, Rows + rows)];
                Codes.AsSpan(0, Rows).Fill(-1);
            }
            var codes = Codes;
            Grow(ref codes, Rows + rows);
            Codes = codes;
            return Codes.AsSpan(Rows, rows);
        }

        public void BecomeText()
        {
            Text = true;
            Numbers = null;
        }

        /// <summary>The values as an array of exactly <see cref="Rows"/> (a copy only when the capacity was not exact).</summary>
        public T[] Exact<T>(T[]? values)
        {
            values ??= [];
            if (values.Length != Rows)
                Array.Resize(ref values, Rows);
            return values;
        }

        static void Grow<T>(ref T[] values, int needed)
        {
            if (needed > values.Length)
                Array.Resize(ref values, Math.Max(needed, values.Length + values.Length / 4));
        }
    }

    public void OnColumn(int index, string name, long precedingRows)
    {
        _columns.Add(new ColumnState(name, startAsText(name), capacity));
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
                    column.BecomeText();
                p.GlobalCodes(c, column.Categories, column.CodesFor(p.Rows));
            }
            else if (column.Text)
            {
                if (p.SawNumber(c))
                {
                    NeedsSecondPass = true;
                    return;
                }
                column.CodesFor(p.Rows).Fill(-1);
            }
            else
            {
                p.Numbers(c).CopyTo(column.NumbersFor(p.Rows));
                column.HasNumbers |= p.SawNumber(c);
            }
        }
        foreach (var column in _columns)
            column.Rows += p.Rows;
    }

    /// <summary>After the sequential path: its one part joined as the only stretch, each column as numbers or text by its final type.</summary>
    internal void FinishSequential(IReadOnlyList<string> types)
    {
        if (_sequential is not { } p)
            return;
        for (var c = 0; c < _columns.Count; c++)
        {
            var column = _columns[c];
            if (!ColumnTypes.IsNumeric(types[c]))
            {
                column.BecomeText();
                p.GlobalCodes(c, column.Categories, column.CodesFor(p.Rows));
            }
            else
                p.Numbers(c).CopyTo(column.NumbersFor(p.Rows));
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
        // Per column; arrays rather than lists, as the row loop reads them once per value.
        Growing<double>[] _numbers = [];
        Growing<int>[] _codes = [];
        bool[] _hasNumbers = [], _hasCodes = [], _sawNumber = [];
        Utf8ValueCounter?[] _local = [];
        int _columns;
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
            var c = _columns++;
            if (c == _numbers.Length)
            {
                var size = Math.Max(4, 2 * c);
                Array.Resize(ref _numbers, size);
                Array.Resize(ref _codes, size);
                Array.Resize(ref _hasNumbers, size);
                Array.Resize(ref _hasCodes, size);
                Array.Resize(ref _sawNumber, size);
                Array.Resize(ref _local, size);
            }
            _numbers[c] = numbers ? new Growing<double>(_expectedRows) : default;
            _codes[c] = codes ? new Growing<int>(_expectedRows) : default;
            _hasNumbers[c] = numbers;
            _hasCodes[c] = codes;
            _local[c] = codes ? new Utf8ValueCounter() : null;
            for (long r = 0; r < precedingRows; r++)
                AddMissing(c);
        }

        public bool IsText(int c) => _hasCodes[c];
        public bool SawNumber(int c) => _sawNumber[c];
        public ReadOnlySpan<double> Numbers(int c) => _numbers[c].Span;

        public ITabularPartVisitor? Retry() => _retryText is { } text ? new Part(text, _keepBoth, Math.Max(_expectedRows, Rows)) : null;

        /// <summary>The stretch's codes renumbered into the column's dictionary, which keeps the order of first appearance.</summary>
        public void GlobalCodes(int c, Utf8ValueCounter global, Span<int> result)
        {
            var codes = _codes[c].Span;
            if (_local[c] is not { } local)
            {
                result.Fill(-1);
                return;
            }
            var map = new int[local.Count];
            for (var id = 0; id < map.Length; id++)
                map[id] = global.Intern(local.ValueAt(id));
            for (var r = 0; r < codes.Length; r++)
                result[r] = codes[r] < 0 ? -1 : map[codes[r]];
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot: once per value
        public void OnRow(ref TabularRow row)
        {
            if (_retryText is not null)
                return;
            var columns = _columns;
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
                    _codes[c].Add(_local[c]!.Intern(row.Utf8(c)));
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
                _numbers[c].Add(double.NaN);
            if (_hasCodes[c])
                _codes[c].Add(-1);
        }

        /// <summary>Adds a present value; false when the stretch must be read again with this column as text.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        bool Add(int c, bool isNumber, double x, ReadOnlySpan<byte> utf8)
        {
            if (_hasNumbers[c])
            {
                _numbers[c].Add(isNumber ? x : double.NaN);
                if (isNumber)
                    _sawNumber[c] = true;
            }
            if (_hasCodes[c])
            {
                _codes[c].Add(_local[c]!.Intern(utf8));
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
    }
}

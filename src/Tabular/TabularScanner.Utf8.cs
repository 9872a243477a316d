
namespace MlOps.Tabular;

// The CSV scan on UTF-8 bytes, on every core: the batch is cut into stretches at record boundaries, each stretch is read
// on the thread pool into its own column inferences and visitor part, and the results are merged in input order. The
// merged result does not depend on the number of threads; ScanCsv (one string per field) remains for other visitors.
public static partial class TabularScanner
{
    internal static TabularScan ScanCsvUtf8(Stream content, TabularLimits limits, ITabularPartitionedVisitor? visitor,
        int chunkSize = CsvChunker.ChunkSize, int maxReadAhead = CsvChunker.MaxReadAhead, bool countDistinct = true)
    {
        var chunker = new CsvChunker(content, chunkSize, maxReadAhead);
        var first = chunker.Next();
        if (first is not { } firstChunk)
            throw new TabularFormatException("the batch is empty: expected a header row naming the columns", 1);
        var (buffer, length) = firstChunk;
        var data = buffer.AsSpan(0, length);
        if (IsOtherUnicodeBom(data))
        {
            // UTF-16 and UTF-32 with a byte order mark: rare enough to read through the decoder as before.
            var rest = new PrefixedStream(buffer, 0, length, chunker, content);
            return ScanCsv(rest, limits, visitor);
        }
        var start = data.StartsWith("\uFEFF"u8) ? 3 : 0;
        var (fields, headerEnd, headerLines) = ReadHeader(data[start..], limits.MaxFieldLength);
        if (fields is null or [""])
        {
            CsvChunker.Return(buffer);
            throw new TabularFormatException("the batch is empty: expected a header row naming the columns", 1);
        }
        var columns = Header(fields, limits);
        for (var i = 0; i < columns.Length; i++)
            visitor?.OnColumn(i, columns[i].Name, 0);

        var problems = new ProblemLog(limits.MaxReportedProblems);
        long rows = 0, line = 1 + headerLines;
        var merged = 0;
        var inFlight = new Queue<(Task<CsvChunkResult> Task, byte[] Buffer, int Start, int Length)>();
        var parallelism = Environment.ProcessorCount + 1;
        var parsers = new System.Collections.Concurrent.ConcurrentBag<CsvChunkParser>();
        try
        {
            var next = (Buffer: buffer, Start: start + headerEnd, Length: length - start - headerEnd);
            while (true)
            {
                if (chunker.Overlong)
                {
                    while (inFlight.Count > 0)
                        MergeOldest();
                    ReadRest(next.Buffer, next.Start, next.Length);
                    break;
                }
                while (inFlight.Count >= (Filling() ? 1 : parallelism))
                    MergeOldest();
                Start(next.Buffer, next.Start, next.Length);
                if (chunker.Next() is not { } chunk)
                    break;
                next = (chunk.Buffer, 0, chunk.Length);
            }
            while (inFlight.Count > 0)
                MergeOldest();
        }
        finally
        {
            // After an error the stretches still being read finish in the background; their buffers go back when they do.
            foreach (var (task, chunkBuffer, _, _) in inFlight)
                task.ContinueWith(_ => CsvChunker.Return(chunkBuffer), TaskScheduler.Default);
        }
        if (rows == 0 && problems.Count == 0)
            problems.Add(new TabularProblem("no_rows", null, "the batch has a header but no data rows", 2));
        return Result(columns, rows, problems);

        // A column of mostly distinct values (measurements, ids) makes every stretch read before its first 10,000 distinct
        // values are merged collect its own. The first few stretches are read one at a time while that is happening, so
        // the later ones start knowing the column is full. It only changes the order of work, never the result.
        bool Filling() => merged == 0 || (merged < 4 && columns.Any(c => c.Filling));

        CsvChunkParser Parser() => parsers.TryTake(out var p) ? p : new CsvChunkParser(columns.Length, limits.MaxFieldLength);

        void Start(byte[] chunkBuffer, int chunkStart, int chunkLength)
        {
            var parts = columns.Select(c => new ColumnTypeInference(c.Name)).ToArray();
            var trackDistinct = columns.Select(c => countDistinct && !c.DistinctFull).ToArray();
            var result = new CsvChunkResult(parts, visitor?.CreatePart(), limits.MaxReportedProblems);
            var task = Task.Run(() =>
            {
                var parser = Parser();
                parser.Parse(chunkBuffer.AsSpan(chunkStart, chunkLength), result, trackDistinct);
                // A part that learned something it needed from the start (a column of text) reads the stretch again.
                while (result.Error is null && result.Part is IRetryingPart retrying && retrying.Retry() is { } fresh)
                {
                    result = new CsvChunkResult([.. parts.Select(c => new ColumnTypeInference(c.Name))], fresh, limits.MaxReportedProblems);
                    parser.Parse(chunkBuffer.AsSpan(chunkStart, chunkLength), result, trackDistinct);
                }
                parsers.Add(parser);
                return result;
            });
            inFlight.Enqueue((task, chunkBuffer, chunkStart, chunkLength));
        }

        // A record longer than the read-ahead: everything from it on is read by the reference reader, on this thread,
        // straight into the merged columns, in constant memory.
        void ReadRest(byte[] chunkBuffer, int chunkStart, int chunkLength)
        {
            var result = new CsvChunkResult(columns, visitor?.CreatePart(), limits.MaxReportedProblems);
            using (var rest = new PrefixedStream(chunkBuffer, chunkStart, chunkLength, chunker, content))
                Parser().Parse(rest, result, columns.Select(c => countDistinct && !c.DistinctFull).ToArray());
            CsvChunker.Return(chunkBuffer);
            if (result.Error is { } error)
                throw error.ShiftedBy(line - 1);
            Absorb(result);
        }

        // A stretch's rows, problems (renumbered from the stretch's first line) and visitor part join the totals.
        void Absorb(CsvChunkResult result)
        {
            if (result.Part is { } part)
                visitor!.Merge(part);
            foreach (var problem in result.Problems.Items)
                problems.Add(problem with { Line = problem.Line + line - 1 });
            problems.AddUncounted(result.Problems.Count - result.Problems.Items.Count);
            rows += result.Rows;
            line += result.Lines;
        }

        void MergeOldest()
        {
            var (task, chunkBuffer, chunkStart, chunkLength) = inFlight.Peek();
            var result = task.GetAwaiter().GetResult();
            inFlight.Dequeue();
            try
            {
                if (result.Error is { } error)
                    throw error.ShiftedBy(line - 1);
                for (var i = 0; i < columns.Length; i++)
                {
                    if (columns[i].CanMerge(result.Columns[i]))
                        columns[i].Merge(result.Columns[i]);
                    else
                        Reobserve(i, chunkBuffer.AsSpan(chunkStart, chunkLength));
                }
                Absorb(result);
                merged++;
            }
            finally
            {
                CsvChunker.Return(chunkBuffer);
            }
        }

        // Reads a stretch's values of one column again straight into the merged column, in order (see CanMerge).
        void Reobserve(int index, ReadOnlySpan<byte> chunk)
        {
            var replay = columns.Select((c, i) => i == index ? c : new ColumnTypeInference(c.Name)).ToArray();
            var trackDistinct = columns.Select((c, i) => i == index && !c.DistinctFull).ToArray();
            var parser = Parser();
            parser.Parse(chunk, new CsvChunkResult(replay, null, limits.MaxReportedProblems), trackDistinct);
            parsers.Add(parser);
        }
    }

    internal static bool IsOtherUnicodeBom(ReadOnlySpan<byte> data) =>
        data is [0xFE, 0xFF, ..] or [0xFF, 0xFE, ..] or [0x00, 0x00, 0xFE, 0xFF, ..];

    /// <summary>The header's fields, the bytes and lines it takes; null fields for an empty batch.</summary>
    static (List<string>? Fields, int Bytes, long Lines) ReadHeader(ReadOnlySpan<byte> data, int maxFieldLength)
    {
        var end = HeaderEnd(data);
        using var text = new StreamReader(new MemoryStream(data[..end].ToArray()), StrictUtf8, detectEncodingFromByteOrderMarks: false);
        var reader = new CsvRecordReader(text, maxFieldLength);
        var fields = new List<string>();
        return reader.TryRead(fields) ? (fields, end, reader.Line - 1) : (null, end, 0);
    }

    /// <summary>Just past the first line break outside quotes (CRLF as one), or the end.</summary>
    static int HeaderEnd(ReadOnlySpan<byte> data)
    {
        var inQuotes = false;
        for (var p = 0; p < data.Length; p++)
        {
            var b = data[p];
            if (b == '"')
                inQuotes = !inQuotes;
            else if (!inQuotes && b == '\n')
                return p + 1;
            else if (!inQuotes && b == '\r')
                return p + 1 < data.Length && data[p + 1] == '\n' ? p + 2 : p + 1;
        }
        return data.Length;
    }
}

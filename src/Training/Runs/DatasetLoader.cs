using System.Text;
using MlOps.Learning.Data;
using MlOps.ServiceDefaults.Blobs;

namespace MlOps.Training.Runs;

/// <summary>
/// Reads a dataset version — its batches in order, from the blob store by content hash — into one frame. CSV batches
/// whose header matches the combined header are appended as they are; NDJSON batches and CSV batches with other
/// columns are re-written in the combined column order (a column a batch lacks is empty there).
/// </summary>
public sealed class DatasetLoader(IBlobStore blobs)
{
    public async Task<TabularFrame> LoadAsync(IReadOnlyList<string> batchHashes, CancellationToken ct)
    {
        if (batchHashes.Count == 0)
            throw new TrainingInputException("The dataset version has no batches: no rows to train on.");
        var batches = new List<Batch>(batchHashes.Count);
        foreach (var hash in batchHashes)
            batches.Add(Batch.Parse(hash, await ReadAsync(hash, ct)));

        var columns = new List<string>();
        foreach (var b in batches)
            foreach (var c in b.Columns)
                if (!columns.Contains(c))
                    columns.Add(c);

        var combined = new StringBuilder();
        AppendRecord(combined, columns);
        foreach (var b in batches)
            b.AppendRows(combined, columns);
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(combined.ToString()));
        try { return TabularFrame.ReadCsv(stream); }
        catch (InvalidDataException e) { throw new TrainingInputException($"The dataset version cannot be read: {e.Message}"); }
    }

    async Task<byte[]> ReadAsync(string hash, CancellationToken ct)
    {
        try
        {
            await using var stream = await blobs.OpenReadAsync(hash, ct);
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, ct);
            return buffer.ToArray();
        }
        catch (BlobNotFoundException)
        {
            throw new TrainingInputException($"Batch {hash} of the dataset version is not in the blob store.");
        }
    }

    internal static void AppendRecord(StringBuilder sb, IEnumerable<string?> fields)
    {
        var first = true;
        foreach (var f in fields)
        {
            if (!first) sb.Append(',');
            first = false;
            if (f is null) continue;
            if (f.AsSpan().IndexOfAny(",\"\r\n") >= 0 || f.Length != f.Trim().Length)
                sb.Append('"').Append(f.Replace("\"", "\"\"")).Append('"');
            else
                sb.Append(f);
        }
        sb.Append('\n');
    }

    sealed class Batch
    {
        string? _csvBody;
        string? _csvHeaderLine;
        TabularFrame? _frame;

        public required string Hash { get; init; }
        public IReadOnlyList<string> Columns { get; private set; } = [];

        public static Batch Parse(string hash, byte[] bytes)
        {
            var text = Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF');
            var batch = new Batch { Hash = hash };
            if (text.TrimStart().StartsWith('{'))
            {
                batch.Frame(() => TabularFrame.ReadNdjson(new MemoryStream(Encoding.UTF8.GetBytes(text))));
                return batch;
            }
            var newline = text.IndexOf('\n');
            var header = (newline < 0 ? text : text[..newline]).TrimEnd('\r');
            // A header with quotes is parsed properly through the frame; a plain one is split here and the body kept as text.
            if (header.Contains('"'))
            {
                batch.Frame(() => TabularFrame.ReadCsv(new MemoryStream(Encoding.UTF8.GetBytes(text))));
                return batch;
            }
            batch._csvHeaderLine = header;
            batch.Columns = header.Split(',').Select(c => c.Trim()).ToArray();
            var body = newline < 0 ? "" : text[(newline + 1)..];
            batch._csvBody = body.Length == 0 || body.EndsWith('\n') ? body : body + "\n";
            return batch;
        }

        void Frame(Func<TabularFrame> read)
        {
            try { _frame = read(); }
            catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException)
            {
                throw new TrainingInputException($"Batch {Hash} cannot be read: {e.Message}");
            }
            Columns = _frame.Columns.Select(c => c.Name).ToArray();
        }

        public void AppendRows(StringBuilder sb, IReadOnlyList<string> columns)
        {
            if (_csvBody is not null && Columns.SequenceEqual(columns))
            {
                sb.Append(_csvBody);
                return;
            }
            var frame = _frame ?? ReadOwnCsv();
            var cols = columns.Select(c => frame.TryGetColumn(c, out var col) ? col : null).ToArray();
            var fields = new string?[cols.Length];
            for (var r = 0; r < frame.RowCount; r++)
            {
                for (var c = 0; c < cols.Length; c++)
                    fields[c] = cols[c]?.Format(r);
                AppendRecord(sb, fields);
            }
        }

        TabularFrame ReadOwnCsv()
        {
            Frame(() => TabularFrame.ReadCsv(new MemoryStream(Encoding.UTF8.GetBytes(_csvHeaderLine + "\n" + _csvBody))));
            return _frame!;
        }
    }
}

/// <summary>A run's input that a person has to fix (a missing target, one class only, no rows); the run fails with this message.</summary>
public sealed class TrainingInputException(string message) : Exception(message);

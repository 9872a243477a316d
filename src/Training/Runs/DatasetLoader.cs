using MlOps.Learning.Data;
using MlOps.ServiceDefaults.Blobs;
using MlOps.Tabular;

namespace MlOps.Training.Runs;

/// <summary>
/// Reads a dataset version — its batches in order, from the blob store by content hash — straight into typed columns
/// with the tabular library (the rules Ingestion and Validation applied to the same batches), then joins them: the
/// columns are the union of the batches' in order of first appearance, a column a batch lacks is missing there.
/// </summary>
public sealed class DatasetLoader(IBlobStore blobs)
{
    /// <param name="batchRows">Each batch's rows as the version records them, when known: the columns are then allocated once.</param>
    public async Task<TabularFrame> LoadAsync(IReadOnlyList<string> batchHashes, CancellationToken ct, IReadOnlyList<long>? batchRows = null)
    {
        if (batchHashes.Count == 0)
            throw new TrainingInputException("The dataset version has no batches: no rows to train on.");
        var tables = new List<TypedTable>(batchHashes.Count);
        for (var b = 0; b < batchHashes.Count; b++)
        {
            var (hash, rows) = (batchHashes[b], batchRows?.Count == batchHashes.Count ? batchRows[b] : (long?)null);
            tables.Add(await Task.Run(() => Read(hash, rows, ct), ct));
        }
        try { return TabularFrame.FromTable(TableConcat.Concat(tables)); }
        catch (TabularFormatException e) { throw new TrainingInputException($"The dataset version cannot be read: {e.Message}"); }
    }

    TypedTable Read(string hash, long? rows, CancellationToken ct)
    {
        string format;
        using (var head = Open(hash, ct))
        {
            var bytes = new byte[1024];
            var n = head.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            format = TableReader.DetectFormat(bytes.AsSpan(0, n));
        }
        try { return TableReader.Read(() => Open(hash, ct), format, new TableReadOptions { ExpectedRows = rows }); }
        catch (TabularFormatException e) { throw new TrainingInputException($"Batch {hash} cannot be read: {e.Message}"); }
    }

    // The reader is synchronous and runs on the thread pool; the blob store streams the batch in chunks.
    Stream Open(string hash, CancellationToken ct)
    {
        try { return blobs.OpenReadAsync(hash, ct).GetAwaiter().GetResult(); }
        catch (BlobNotFoundException) { throw new TrainingInputException($"Batch {hash} of the dataset version is not in the blob store."); }
    }
}

/// <summary>A run's input that a person has to fix (a missing target, one class only, no rows); the run fails with this message.</summary>
public sealed class TrainingInputException(string message) : Exception(message);

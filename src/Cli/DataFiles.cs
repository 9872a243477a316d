using MlOps.Learning.Data;

namespace MlOps.Cli;

/// <summary>Reads CSV or NDJSON (by extension: .ndjson, .jsonl) into a frame, with errors that name the file.</summary>
internal static class DataFiles
{
    public static TabularFrame Read(string path, CsvReadOptions? options = null)
    {
        if (!File.Exists(path)) throw new CliException($"Data file '{path}' does not exist.");
        using var stream = File.OpenRead(path);
        if (stream.Length == 0) throw new CliException($"Data file '{path}' is empty.");
        try
        {
            var ext = Path.GetExtension(path).ToLowerInvariant();
            var frame = ext is ".ndjson" or ".jsonl" ? TabularFrame.ReadNdjson(stream, options) : TabularFrame.ReadCsv(stream, options);
            if (frame.RowCount == 0) throw new CliException($"Data file '{path}' has a header but no rows.");
            return frame;
        }
        catch (InvalidDataException e) { throw new CliException($"Data file '{path}': {e.Message}"); }
        catch (System.Text.Json.JsonException e) { throw new CliException($"Data file '{path}' is not valid NDJSON: {e.Message}"); }
    }
}

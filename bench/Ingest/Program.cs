using System.Diagnostics;
using System.Text.Json;
using MlOps.Contracts;
using MlOps.Learning.Profiling;
using MlOps.ServiceDefaults.Batches;
using MlOps.Tabular;
using MlOps.Validation.Checks;
using MlOps.Validation.Profiling;
using MlOps.Validation.Schemas;

// Our side of bench/ingest.sh: validates a CSV file the way the Validation service does, one JSON line of figures.
//   Ingest --data FILE [--path later|first] [--infer-rows 10000] [--warmup 0] [--label TEXT, copied to the output]
// --warmup N: N untimed passes first, as a running service has done for its earlier batches (its code is then fully tiered).
// later: the schema is inferred beforehand from the first rows (not timed), then ONE streaming pass over the file
//        through TabularScanner + BatchProfiler(schema) + SchemaChecks is timed — a dataset's second and later batches.
// first: a dataset's first batch — a pass without schema, SchemaInference.Infer, a second pass with it, SchemaChecks.
var options = Options.Parse(args);
var limits = new TabularLimits();
var bytes = new FileInfo(options.Data).Length;

DatasetSchema? schema = null;
IReadOnlyList<ColumnProfile>? history = null;
if (options.Path == "later")
    (schema, history) = Prefix.InferSchema(options.Data, options.InferRows, limits);

for (var i = 0; i < options.Warmup; i++)
    Pass(options.Data, schema ?? Prefix.InferSchema(options.Data, options.InferRows, limits).Item1);

var rssBefore = Memory.PeakRssMb();
var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
var gcBefore = GC.CollectionCount(0) + GC.CollectionCount(1) + GC.CollectionCount(2);
var clock = Stopwatch.StartNew();
BatchScan scan;
BatchProfiler profiler;
if (schema is null)
{
    (scan, profiler) = Pass(options.Data, null);
    schema = SchemaInference.Infer(scan, profiler);
}
(scan, profiler) = Pass(options.Data, schema);
var (anomalies, skew) = SchemaChecks.Run(schema, scan, profiler, history);
var seconds = clock.Elapsed.TotalSeconds;
var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
var allocatedMb = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / 1e6;
var collections = GC.CollectionCount(0) + GC.CollectionCount(1) + GC.CollectionCount(2) - gcBefore;

var f00 = profiler.Columns.Single(c => c.Name == "f00");
Console.WriteLine(JsonSerializer.Serialize(new
{
    tool = "mlops",
    path = options.Path,
    label = options.Label,
    warmup_passes = options.Warmup,
    what = options.Path == "later" ? "scan + profile + checks (schema known)" : "first batch: scan, infer, scan + profile + checks",
    file = options.Data,
    bytes,
    rows = scan.Rows,
    columns = scan.Columns.Count,
    seconds,
    cpu_seconds = cpuSeconds,
    allocated_mb = allocatedMb,
    gc_collections = collections,
    peak_rss_mb = Memory.PeakRssMb(),
    rss_before_mb = rssBefore,
    threads = Environment.ProcessorCount,
    anomalies = anomalies.Select(a => $"{a.Severity} {a.Kind} {a.Column}").ToList(),
    skew_measured = skew.Count,
    duplicate_fraction = profiler.DuplicateFraction,
    f00_mean = f00.Mean,
    f00_std = f00.Std,
    f00_nulls = f00.Nulls,
}));

static (BatchScan, BatchProfiler) Pass(string path, DatasetSchema? schema)
{
    using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
    var profiler = new BatchProfiler(schema);
    return (BatchScan.Scan(file, BatchFormats.Csv, new TabularLimits(), profiler), profiler);
}

sealed record Options(string Data, string Path, int InferRows, string Label, int Warmup)
{
    public static Options Parse(string[] args)
    {
        string? data = null;
        var path = "later";
        var inferRows = 10_000;
        var label = "";
        var warmup = 0;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--data": data = args[i + 1]; break;
                case "--path": path = args[i + 1]; break;
                case "--infer-rows": inferRows = int.Parse(args[i + 1]); break;
                case "--label": label = args[i + 1]; break;
                case "--warmup": warmup = int.Parse(args[i + 1]); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        if (data is null || path is not ("later" or "first"))
            throw new ArgumentException("usage: Ingest --data FILE [--path later|first] [--infer-rows N] [--warmup N] [--label TEXT]");
        return new Options(data, path, inferRows, label, warmup);
    }
}

static class Memory
{
    /// <summary>Peak resident set size of this process so far (VmHWM), in MB.</summary>
    public static double PeakRssMb()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:"))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
        return double.NaN;
    }
}

static class Prefix
{
    /// <summary>The schema a dataset would have after a first batch made of the file's first rows, and that batch's profile as history.</summary>
    public static (DatasetSchema, IReadOnlyList<ColumnProfile>) InferSchema(string path, int rows, TabularLimits limits)
    {
        var head = new MemoryStream();
        using (var writer = new StreamWriter(head, leaveOpen: true))
            foreach (var line in File.ReadLines(path).Take(rows + 1))
                writer.Write(line + "\n");
        head.Position = 0;
        var first = new BatchProfiler(null);
        var scan = BatchScan.Scan(head, BatchFormats.Csv, limits, first);
        var schema = SchemaInference.Infer(scan, first);
        head.Position = 0;
        var profiled = new BatchProfiler(schema);
        BatchScan.Scan(head, BatchFormats.Csv, limits, profiled);
        return (schema, profiled.Columns);
    }
}

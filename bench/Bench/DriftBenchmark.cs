using System.Diagnostics;
using System.Text.Json;
using MlOps.Learning.Data;
using MlOps.Learning.Profiling;

namespace MlOps.Bench;

/// <summary>
/// A drift report of 20 features: reference profiles of 1,000,000 rows (built once, as training does, not timed in the
/// report) against a 200,000-row window. Timed: everything from the profiles and the window's columns to the 20 verdicts
/// (category counting, PSI, sorting, the tests), over <c>rounds</c> runs; the median is reported.
/// </summary>
public static class DriftBenchmark
{
    public static void Run(string path, int rounds, int threads, TextWriter output)
    {
        var (numeric, categorical, categories) = Load(path);
        var build = Stopwatch.StartNew();
        var numericProfiles = numeric.Select((c, i) => ReferenceProfile.Profile(Column.Numeric($"n{i}", ColumnType.Float, c.Reference))).ToArray();
        var categoricalProfiles = categorical.Select((c, i) => ReferenceProfile.Profile(
            Column.Categorical($"c{i}", c.Reference, [.. Enumerable.Range(0, categories[i]).Select(k => $"k{k}")]))).ToArray();
        var profileSeconds = build.Elapsed.TotalSeconds;

        var thresholds = new DriftThresholds();
        var times = new List<double>();
        DriftResult[] results = [];
        for (var round = 0; round < rounds + 1; round++)
        {
            var sw = Stopwatch.StartNew();
            results = new DriftResult[numeric.Length + categorical.Length];
            Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = threads }, f =>
            {
                if (f < numeric.Length)
                {
                    results[f] = DriftTests.Numeric(numericProfiles[f], numeric[f].Current, thresholds);
                    return;
                }
                var c = f - numeric.Length;
                var counts = new long[categories[c]];
                foreach (var code in categorical[c].Current) counts[code]++;
                var byName = new Dictionary<string, long>(StringComparer.Ordinal);
                for (var k = 0; k < counts.Length; k++) byName[$"k{k}"] = counts[k];
                results[f] = DriftTests.Categorical(categoricalProfiles[c], byName, thresholds);
            });
            // The first round warms the JIT up and is not counted.
            if (round > 0) times.Add(sw.Elapsed.TotalSeconds);
        }
        times.Sort();
        output.WriteLine(JsonSerializer.Serialize(new
        {
            engine = "mlops",
            reportSeconds = times[times.Count / 2],
            roundSeconds = times,
            profileSeconds,
            features = results.Select(r => new { feature = r.Feature, test = r.TestName, score = r.Score, drifted = r.Drifted, psi = r.Psi }),
        }));
    }

    static (Window<double>[] Numeric, Window<int>[] Categorical, int[] Categories) Load(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        if (new string(reader.ReadChars(8)) != "DRIFTBN1") throw new InvalidDataException($"{path} is not a drift benchmark file");
        int refRows = reader.ReadInt32(), curRows = reader.ReadInt32(), num = reader.ReadInt32(), cat = reader.ReadInt32();
        T[] Read<T>(int n) where T : struct
        {
            var values = new T[n];
            reader.BaseStream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
            return values;
        }
        var numeric = Enumerable.Range(0, num).Select(_ => new Window<double>(Read<double>(refRows), Read<double>(curRows))).ToArray();
        var categorical = Enumerable.Range(0, cat).Select(_ => new Window<int>(Read<int>(refRows), Read<int>(curRows))).ToArray();
        return (numeric, categorical, [.. categorical.Select(c => Math.Max(c.Reference.Max(), c.Current.Max()) + 1)]);
    }

    sealed record Window<T>(T[] Reference, T[] Current);
}

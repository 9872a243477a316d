namespace MlOps.Bench;

/// <summary>Reads the benchmark's binary data file (see bench/python/gen_data.py for the layout).</summary>
internal sealed record BenchData(int Rows, int Features, float[] X, float[] Y)
{
    public static BenchData Read(string path)
    {
        using var s = File.OpenRead(path);
        using var r = new BinaryReader(s);
        var magic = new string(r.ReadChars(8));
        if (magic != "MLBENCH1") throw new InvalidDataException($"{path} is not a benchmark data file.");
        int rows = r.ReadInt32(), features = r.ReadInt32();
        var x = new float[(long)rows * features];
        var y = new float[rows];
        s.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(x.AsSpan()));
        s.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(y.AsSpan()));
        return new BenchData(rows, features, x, y);
    }

    /// <summary>Column-major doubles for rows [from, to).</summary>
    public double[][] Columns(int from, int to)
    {
        var cols = new double[Features][];
        for (var f = 0; f < Features; f++)
        {
            var c = cols[f] = new double[to - from];
            for (var r = from; r < to; r++) c[r - from] = X[(long)r * Features + f];
        }
        return cols;
    }
}

using System.Globalization;
using System.Text;

namespace MlOps.Tests.Unit.Tabular;

/// <summary>Seeded CSV with what real files hold: every type, nulls, quoting, CRLF, a BOM, blank and ragged lines.</summary>
static class RandomCsv
{
    static readonly string[] Kinds = ["int", "float", "float17", "bool", "time", "cat", "text", "mixed", "timeThenNumber"];

    public static byte[] Generate(int seed, int rows, bool bom = false, bool ragged = true)
    {
        var rng = new Random(seed);
        var kinds = Enumerable.Range(0, 3 + rng.Next(8)).Select(_ => Kinds[rng.Next(Kinds.Length)]).ToArray();
        var crlf = rng.Next(3) == 0;
        var sb = new StringBuilder();
        sb.Append(string.Join(',', kinds.Select((k, i) => i == 0 && rng.Next(2) == 0 ? $"\"{k} {i}, quoted\"" : $"{k}{i}")));
        for (var r = 0; r < rows; r++)
        {
            sb.Append(crlf && rng.Next(4) > 0 ? "\r\n" : "\n");
            if (ragged && rng.Next(200) == 0)
            {
                sb.Append(rng.Next(3) == 0 ? "" : "1,2,3,4,5,6,7,8,9,10,11,12"); // blank line or ragged row
                continue;
            }
            sb.Append(string.Join(',', kinds.Select(k => Value(k, r, rows, rng))));
        }
        if (rng.Next(2) == 0)
            sb.Append('\n');
        var bytes = Encoding.UTF8.GetBytes(sb.ToString());
        return bom ? [.. Encoding.UTF8.GetPreamble(), .. bytes] : bytes;
    }

    static string Value(string kind, int row, int rows, Random rng)
    {
        var roll = rng.Next(100);
        if (roll < 4)
            return roll switch { 0 => "", 1 => "NA", 2 => "null", _ => "\"\"" };
        var inv = CultureInfo.InvariantCulture;
        return kind switch
        {
            "int" => (rng.Next(-1000, 1000) * (roll == 99 ? 1_000_000_007L : 1)).ToString(inv),
            "float" => roll switch
            {
                4 => "NaN",
                5 => "-Infinity",
                6 => "1e400",
                7 => " 2.5",
                8 => "\"3.25\"",
                9 => ".5",
                10 => "-0",
                11 => "1.5E-7",
                _ => Math.Round(rng.NextDouble() * 2000 - 1000, rng.Next(7)).ToString(inv),
            },
            "float17" => (rng.NextDouble() * 1e6).ToString("R", inv),
            "bool" => roll < 50 ? "true" : roll < 90 ? "False" : "TRUE",
            "time" => new DateTime(2020, 1, 1).AddMinutes(rng.Next(1_000_000)).ToString(roll < 50 ? "yyyy-MM-dd" : "o", inv),
            "cat" => $"level_{rng.Next(12)}",
            "text" => roll switch
            {
                < 20 => "\"with, comma\"",
                < 30 => "\"say \"\"hi\"\"\"",
                < 35 => "\"two\nlines\"",
                < 38 => "\"cr\r\nlf\"",
                < 42 => "température °C",
                < 45 => "\"\"",
                _ => $"t{rng.Next(5000)}",
            },
            "mixed" => row < rows / 2 ? rng.Next(100).ToString(inv) : roll < 90 ? "3.5" : "word",
            // Timestamps first, then numbers that also read as dates ("1.5" is 1 May): the merge must see the whole column.
            "timeThenNumber" => row < rows / 3 ? "2021-06-01" : roll < 50 ? "1.5" : "12.5",
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }
}

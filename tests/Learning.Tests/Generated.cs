using System.Globalization;
using System.Text;
using MlOps.Learning.Data;

namespace MlOps.Tests.Learning;

/// <summary>Small seeded data sets with known structure.</summary>
internal static class Generated
{
    /// <summary>A real data file from tests/data (bin/&lt;Configuration&gt;/net10.0 is three levels below the test project).</summary>
    public static string TestData(string file) =>
        Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "data", file));

    public static TabularFrame Read(string csv) => TabularFrame.ReadCsv(new MemoryStream(Encoding.UTF8.GetBytes(csv)));

    /// <summary>
    /// Two classes with a margin of 0.3 around the boundary x0 + x1 = 0 (diagonal) or x0 = 0 (axis-aligned),
    /// plus a noise column and a category.
    /// </summary>
    public static TabularFrame Separable(int rows, int seed, bool diagonal = true)
    {
        var random = new Random(seed);
        var sb = new StringBuilder("x0,x1,noise,color,label\n");
        for (var i = 0; i < rows; i++)
        {
            double a, b;
            do { a = random.NextDouble() * 4 - 2; b = random.NextDouble() * 4 - 2; } while (Math.Abs(diagonal ? a + b : a) < 0.3);
            var color = (i % 3) switch { 0 => "red", 1 => "green", _ => "blue" };
            sb.Append(F(a)).Append(',').Append(F(b)).Append(',').Append(F(random.NextDouble())).Append(',').Append(color).Append(',')
              .Append((diagonal ? a + b : a) > 0 ? "yes" : "no").Append('\n');
        }
        return Read(sb.ToString());
    }

    /// <summary>Labels that are coin flips: nothing to learn, so validation loss rises early.</summary>
    public static TabularFrame Noise(int rows, int seed)
    {
        var random = new Random(seed);
        var sb = new StringBuilder("x0,x1,label\n");
        for (var i = 0; i < rows; i++)
            sb.Append(F(random.NextDouble())).Append(',').Append(F(random.NextDouble())).Append(',').Append(random.Next(2) == 0 ? "a" : "b").Append('\n');
        return Read(sb.ToString());
    }

    /// <summary>y = 3 x0 - 2 x1 + 0.5 x2 + 7, no noise; x2 sometimes missing is not used here.</summary>
    public static TabularFrame Linear(int rows, int seed)
    {
        var random = new Random(seed);
        var sb = new StringBuilder("x0,x1,x2,y\n");
        for (var i = 0; i < rows; i++)
        {
            double a = random.NextDouble() * 10, b = random.NextDouble() * 5 - 2, c = random.NextDouble();
            sb.Append(F(a)).Append(',').Append(F(b)).Append(',').Append(F(c)).Append(',').Append(F(3 * a - 2 * b + 0.5 * c + 7)).Append('\n');
        }
        return Read(sb.ToString());
    }

    /// <summary>Three classes by angle, with missing values in x1 that carry information.</summary>
    public static TabularFrame ThreeClasses(int rows, int seed)
    {
        var random = new Random(seed);
        var sb = new StringBuilder("x0,x1,x2,when,label\n");
        for (var i = 0; i < rows; i++)
        {
            double a = random.NextDouble() * 2 - 1, b = random.NextDouble() * 2 - 1;
            var label = a > 0.3 ? "c" : b > 0 ? "a" : "b";
            var missing = label == "c" && random.NextDouble() < 0.5;
            var day = new DateTime(2020, 1, 1).AddDays(i % 400).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            sb.Append(F(a)).Append(',').Append(missing ? "" : F(b)).Append(',').Append(F(random.NextDouble())).Append(',').Append(day).Append(',').Append(label).Append('\n');
        }
        return Read(sb.ToString());
    }

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}

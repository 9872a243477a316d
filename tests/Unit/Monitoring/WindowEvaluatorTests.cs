using System.Text;
using MlOps.Contracts;
using MlOps.Learning.Data;
using MlOps.Learning.Profiling;
using MlOps.Monitoring.Windows;

namespace MlOps.Tests.Unit.Monitoring;

public sealed class WindowEvaluatorTests
{
    /// <summary>A reference as Training publishes it, from the engine's profile of a column.</summary>
    static FeatureReference Reference(Column column)
    {
        var f = ReferenceProfile.Profile(column);
        return f.Type == ColumnType.Categorical
            ? new FeatureReference(f.Name, "categorical", null, f.Categories, f.CategoryShares, f.NullShare, "categorical", f.Count)
            : new FeatureReference(f.Name, "numeric", f.Quantiles, null, f.BinShares, f.NullShare, f.Type.ToString().ToLowerInvariant(), f.Count, f.Mean, f.StdDev, f.SortedValues);
    }

    static List<LoggedPrediction> Log(IEnumerable<(double Temp, string Sky, string Prediction)> rows)
    {
        var text = new StringBuilder();
        foreach (var (temp, sky, prediction) in rows)
            text.Append($$"""{"id":"{{Guid.NewGuid()}}","at":"2026-11-26T10:00:00Z","version":1,"inputs":{"temp":{{temp.ToString(System.Globalization.CultureInfo.InvariantCulture)}},"sky":"{{sky}}"},"prediction":"{{prediction}}"}""").Append('\n');
        return LoggedPrediction.ReadAll(new MemoryStream(Encoding.UTF8.GetBytes(text.ToString())));
    }

    static readonly string[] Skies = ["clear", "cloudy", "rain"];

    [Fact]
    public void Rows_like_the_reference_do_not_drift_and_shifted_rows_do_on_every_feature_and_the_prediction()
    {
        var temps = Enumerable.Range(0, 800).Select(i => 10 + 5 * Math.Sin(i * 0.37)).ToArray();
        var features = new[]
        {
            Reference(Column.Numeric("temp", ColumnType.Float, temps)),
            Reference(Column.FromStrings("sky", [.. Enumerable.Range(0, 800).Select(i => Skies[i % 3])])),
        };
        var target = Reference(Column.FromStrings("weather", [.. Enumerable.Range(0, 800).Select(i => i % 2 == 0 ? "sun" : "rain")]));
        var thresholds = new DriftThresholds(PValue: 0.05);

        var same = WindowEvaluator.Evaluate(features, target, Log(Enumerable.Range(0, 300).Select(i => (10 + 5 * Math.Sin(i * 0.41), Skies[i % 3], i % 2 == 0 ? "sun" : "rain"))), thresholds, 0.5);
        Assert.False(same.DatasetDrift);
        Assert.Equal(["ks", "chi2"], same.Features.Select(f => f.Test));
        Assert.All(same.Features, f => Assert.False(f.Drifted, $"{f.Feature}: {f.Test} {f.Score}"));
        Assert.Equal("z", same.Prediction!.Test);
        Assert.False(same.Prediction.Drifted);

        var shifted = WindowEvaluator.Evaluate(features, target, Log(Enumerable.Range(0, 300).Select(i => (20 + 5 * Math.Sin(i * 0.41), "snow", "rain"))), thresholds, 0.5);
        Assert.True(shifted.DatasetDrift);
        Assert.Equal(1.0, shifted.DriftShare);
        Assert.True(shifted.Prediction!.Drifted);
        Assert.Contains("snow", shifted.Features[1].Distribution.Labels);
        Assert.Equal(10, shifted.Features[0].Distribution.Labels.Count);
    }

    [Fact]
    public void A_reference_from_an_older_publisher_without_values_is_compared_by_psi()
    {
        var full = Reference(Column.Numeric("temp", ColumnType.Float, [.. Enumerable.Range(0, 500).Select(i => (double)i)]));
        var old = new FeatureReference(full.Feature, full.Kind, full.BinEdges, null, full.Frequencies, full.NullFraction);
        var verdict = WindowEvaluator.Test(old, Enumerable.Range(0, 100).Select(i => (i + 1000.0).ToString(System.Globalization.CultureInfo.InvariantCulture)), new DriftThresholds(Psi: 0.2));
        Assert.Equal("psi", verdict.Test);
        Assert.True(verdict.Drifted);
    }

    [Fact]
    public void Input_values_are_read_as_the_references_type()
    {
        Assert.Equal(1, WindowEvaluator.Number("true", ColumnType.Boolean));
        Assert.Equal(2.5, WindowEvaluator.Number("2.5", ColumnType.Float));
        Assert.Equal(1764151200, WindowEvaluator.Number("2025-11-26T10:00:00Z", ColumnType.Timestamp));
        Assert.True(double.IsNaN(WindowEvaluator.Number(null, ColumnType.Float)));
        Assert.True(double.IsNaN(WindowEvaluator.Number("abc", ColumnType.Float)));
    }

    [Fact]
    public void A_malformed_log_line_names_its_line()
    {
        var e = Assert.Throws<InvalidDataException>(() => LoggedPrediction.ReadAll(new MemoryStream("{\"id\":\"not a guid\"}\n"u8.ToArray())));
        Assert.Contains("Line 1", e.Message);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MlOps.Tests.Integration.Infrastructure;
using Xunit.Abstractions;

namespace MlOps.Tests.Integration.DataPlane;

/// <summary>The data plane on real data: Seattle's weather year by year, then New York's, then a broken batch.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class RealDataTests(InfrastructureFixture infra, ITestOutputHelper output)
{
    static string Dataset(string name) => $"{name}-{Guid.NewGuid():N}"[..24];

    [Fact]
    public async Task Seattle_year_by_year_is_accepted_with_the_schema_inferred_as_the_columns_really_are()
    {
        var slice = await infra.SliceAsync();
        var dataset = Dataset("seattle");
        var lines = await File.ReadAllLinesAsync(RepoPaths.TestData("seattle-weather.csv"));

        foreach (var year in new[] { "2012", "2013", "2014", "2015" })
        {
            var batch = await Batches.PostAndWaitAsync(slice, dataset, Batches.Csv(lines[0], lines.Skip(1).Where(l => l.StartsWith(year))));
            Assert.Equal("validated", batch.GetProperty("status").GetString());
        }

        var schema = await slice.Validation!.Client.GetFromJsonAsync<JsonElement>($"datasets/{dataset}/schema");
        var columns = schema.GetProperty("schema").GetProperty("columns").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.Equal(["date", "precipitation", "temp_max", "temp_min", "wind", "weather"], columns.Keys);
        Assert.Equal("timestamp", columns["date"].GetProperty("type").GetString());
        Assert.All(new[] { "precipitation", "temp_max", "temp_min", "wind" }, c => Assert.Equal("float", columns[c].GetProperty("type").GetString()));
        Assert.Equal("string", columns["weather"].GetProperty("type").GetString());
        Assert.Equal(["drizzle", "fog", "rain", "snow", "sun"], columns["weather"].GetProperty("domain").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("inferred", schema.GetProperty("source").GetString());
        Assert.Equal(4, schema.GetProperty("acceptedBatches").GetInt64());
        Assert.Equal(1461, schema.GetProperty("acceptedRows").GetInt64());
    }

    [Fact]
    public async Task New_york_after_seattles_history_is_accepted_with_skew_warnings_and_every_distance_reported()
    {
        var slice = await infra.SliceAsync();
        var dataset = Dataset("weather");
        var lines = await File.ReadAllLinesAsync(RepoPaths.TestData("weather.csv"));
        var header = lines[0];
        await Batches.PostAndWaitAsync(slice, dataset, Batches.Csv(header, lines.Skip(1).Where(l => l.StartsWith("Seattle"))));

        var batch = await Batches.PostAndWaitAsync(slice, dataset, Batches.Csv(header, lines.Skip(1).Where(l => l.StartsWith("New York"))));

        Assert.Equal("validated", batch.GetProperty("status").GetString());
        var report = await slice.Validation!.Client.GetFromJsonAsync<JsonElement>($"reports/{batch.GetProperty("batchId").GetGuid()}");
        var skew = report.GetProperty("skew").EnumerateArray().ToDictionary(s => s.GetProperty("column").GetString()!);
        foreach (var (column, s) in skew)
            output.WriteLine($"{column}: {s.GetProperty("kind").GetString()} {s.GetProperty("distance").GetDouble():0.0000} (threshold {s.GetProperty("threshold").GetDouble()})");
        Assert.Equal(new[] { "precipitation", "temp_max", "temp_min", "wind", "weather", "location" }.Order(), skew.Keys.Order());
        var warned = batch.GetProperty("reasons").EnumerateArray()
            .Where(r => r.GetProperty("kind").GetString() == "distribution_skew")
            .Select(r => r.GetProperty("column").GetString()).ToHashSet();
        Assert.Contains("weather", warned);
        Assert.Contains("location", warned);
        Assert.True(warned.Count >= 3, $"expected skew warnings on the weather columns, got {string.Join(", ", warned)}");
        Assert.All(batch.GetProperty("reasons").EnumerateArray(), r => Assert.Equal("WARNING", r.GetProperty("severity").GetString()));
    }

    [Fact]
    public async Task A_batch_without_the_weather_column_is_rejected_naming_it()
    {
        var slice = await infra.SliceAsync();
        var dataset = Dataset("seattle");
        var lines = await File.ReadAllLinesAsync(RepoPaths.TestData("seattle-weather.csv"));
        await Batches.PostAndWaitAsync(slice, dataset, Batches.Csv(lines[0], lines.Skip(1).Take(300)));
        var withoutWeather = lines.Skip(301).Take(200).Select(l => l[..l.LastIndexOf(',')]);

        var batch = await Batches.PostAndWaitAsync(slice, dataset, Batches.Csv("date,precipitation,temp_max,temp_min,wind", withoutWeather));

        Assert.Equal("rejected", batch.GetProperty("status").GetString());
        var reason = Assert.Single(batch.GetProperty("reasons").EnumerateArray(), r => r.GetProperty("severity").GetString() == "ERROR");
        Assert.Equal("missing_column", reason.GetProperty("kind").GetString());
        Assert.Equal("weather", reason.GetProperty("column").GetString());
    }
}

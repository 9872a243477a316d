using System.Text.Json;
using MlOps.Learning.Data;
using MlOps.Serving.Predictions;

namespace MlOps.Tests.Unit.Serving;

public sealed class RowReaderTests
{
    static JsonElement Rows(string json) => JsonDocument.Parse(json).RootElement;

    const string Good = """{"num": 4.5, "flag": true, "colour": "red", "when": "2021-03-04"}""";

    [Fact]
    public void The_model_takes_one_column_of_each_type()
    {
        var model = TestModels.Binary();
        Assert.Equal(["num", "flag", "colour", "when"], model.Inputs.Select(i => i.Name));
        Assert.Equal([ColumnType.Float, ColumnType.Boolean, ColumnType.Categorical, ColumnType.Timestamp], model.Inputs.Select(i => i.Type));
    }

    [Fact]
    public void Valid_rows_are_encoded_in_input_order_and_other_properties_are_ignored()
    {
        var model = TestModels.Binary();
        var problem = RowReader.Read(model, Rows($$"""[{{Good}}, {"label": "x", "when": 1614816000, "colour": null, "flag": false, "num": null}]"""), out var batch);

        Assert.Null(problem);
        Assert.Equal(2, batch.Count);
        var first = batch.Row(0).ToArray();
        Assert.Equal(4.5, first[0]);
        Assert.Equal(1, first[1]);
        Assert.Equal(model.Trained.Transforms.CategoryIndex(2, "red"), first[2]);
        Assert.Equal(new DateTimeOffset(2021, 3, 4, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(), first[3]);
        var second = batch.Row(1).ToArray();
        Assert.True(double.IsNaN(second[0]));
        Assert.Equal(0, second[1]);
        Assert.True(double.IsNaN(second[2]));
        Assert.Equal(1614816000, second[3]);
        Assert.Equal([JsonValueKind.Null, JsonValueKind.False, JsonValueKind.Null, JsonValueKind.Number], batch.Kinds[4..]);
        Assert.Equal("red", batch.Texts[2]);
    }

    [Fact]
    public void A_category_never_seen_in_training_is_missing_to_the_model_not_an_error()
    {
        var problem = RowReader.Read(TestModels.Binary(), Rows("""[{"num": 1, "flag": true, "colour": "purple", "when": null}]"""), out var batch);
        Assert.Null(problem);
        Assert.True(double.IsNaN(batch.Row(0)[2]));
        Assert.Equal("purple", batch.Texts[2]);
    }

    [Fact]
    public void A_missing_column_names_the_row_the_column_and_what_the_model_takes()
    {
        var problem = RowReader.Read(TestModels.Binary(), Rows($$"""[{{Good}}, {{Good}}, {"num": 1, "flag": true, "when": null}]"""), out _);

        Assert.NotNull(problem);
        Assert.Equal(2, problem.Row);
        Assert.Equal("colour", problem.Column);
        Assert.Equal("Row 2: column 'colour' is missing. The model takes num, flag, colour, when; send null for a value that is not known.", problem.Message);
    }

    [Theory]
    [InlineData("""{"num": "4.5", "flag": true, "colour": "red", "when": null}""", "num", "Row 0: column 'num' must be a number or null, got a string.")]
    [InlineData("""{"num": 4.5, "flag": 1, "colour": "red", "when": null}""", "flag", "Row 0: column 'flag' must be a boolean (true or false) or null, got a number.")]
    [InlineData("""{"num": 4.5, "flag": true, "colour": 3, "when": null}""", "colour", "Row 0: column 'colour' must be a string (category) or null, got a number.")]
    [InlineData("""{"num": [1], "flag": true, "colour": "red", "when": null}""", "num", "Row 0: column 'num' must be a number or null, got an array.")]
    [InlineData("""{"num": 1, "flag": true, "colour": "red", "when": "yesterday"}""", "when",
        "Row 0: column 'when' must be a timestamp (ISO 8601 string, or Unix seconds as a number); 'yesterday' is not a date or time (e.g. 2015-12-31 or 2015-12-31T10:00:00Z).")]
    [InlineData("""{"num": 1e999, "flag": true, "colour": "red", "when": null}""", "num", "Row 0: column 'num' holds a number out of range.")]
    public void A_value_of_the_wrong_type_names_the_row_the_column_and_the_type_expected(string row, string column, string message)
    {
        var problem = RowReader.Read(TestModels.Binary(), Rows($"[{row}]"), out _);

        Assert.NotNull(problem);
        Assert.Equal(0, problem.Row);
        Assert.Equal(column, problem.Column);
        Assert.Equal(message, problem.Message);
    }

    [Fact]
    public void A_row_that_is_not_an_object_is_named()
    {
        var problem = RowReader.Read(TestModels.Binary(), Rows($$"""[{{Good}}, [1, 2]]"""), out _);

        Assert.NotNull(problem);
        Assert.Equal(1, problem.Row);
        Assert.Equal("Row 1 must be a JSON object of column values, got an array.", problem.Message);
    }
}

using MlOps.Validation.Schemas;

namespace MlOps.Tests.Unit.Validation;

public sealed class SchemaRulesTests
{
    [Fact]
    public void A_null_column_is_named_by_its_index_instead_of_failing()
    {
        var problems = SchemaRules.Problems(new DatasetSchema([new ColumnSchema("x", "float"), null!]));

        Assert.Contains(problems, p => p.StartsWith("columns[1] is null", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(double.PositiveInfinity, null, 0.1, "columns[0] ('x').min")]
    [InlineData(null, double.NegativeInfinity, 0.1, "columns[0] ('x').max")]
    [InlineData(null, null, double.NaN, "columns[0] ('x').maxNullFraction")]
    [InlineData(null, null, 1.5, "columns[0] ('x').maxNullFraction")]
    public void Non_finite_or_out_of_range_numbers_are_named_by_field(double? min, double? max, double maxNullFraction, string field)
    {
        var problems = SchemaRules.Problems(new DatasetSchema([new ColumnSchema("x", "float", MaxNullFraction: maxNullFraction, Min: min, Max: max)]));

        Assert.Contains(problems, p => p.StartsWith(field, StringComparison.Ordinal));
    }

    [Fact]
    public void A_nan_duplicate_fraction_or_skew_threshold_and_a_null_domain_value_are_refused()
    {
        var schema = new DatasetSchema(
            [new ColumnSchema("c", "string", Domain: ["a", null!], Skew: new SkewComparator(SkewComparator.LInfinity, double.NaN))],
            MaxDuplicateFraction: double.NaN);

        var problems = SchemaRules.Problems(schema);

        Assert.Contains(problems, p => p.StartsWith("maxDuplicateFraction", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("columns[0] ('c').skew.threshold", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("columns[0] ('c').domain", StringComparison.Ordinal));
    }

    [Fact]
    public void A_sound_schema_has_no_problems()
    {
        Assert.Empty(SchemaRules.Problems(new DatasetSchema([new ColumnSchema("x", "float", Min: 0, Max: 10, BinEdges: [0, 5, 10],
            Skew: new SkewComparator(SkewComparator.JensenShannon, 0.1))])));
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MlOps.Tests.Integration.Infrastructure;

namespace MlOps.Tests.Integration.DataPlane;

/// <summary>An edited schema that cannot be stored is a 400 naming the field, never a 500.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class SchemaInputTests(InfrastructureFixture infra)
{
    [Theory]
    [InlineData("""{"columns":[null]}""", "columns[0]")]
    [InlineData("""{"columns":[{"name":"x","type":"float","max":1e400}]}""", "max")]
    [InlineData("""{"columns":[{"name":"x","type":"float","maxNullFraction":"NaN"}]}""", "maxNullFraction")]
    [InlineData("""{"columns":[{"name":"x","type":"float","min":"-Infinity"}]}""", "min")]
    [InlineData("""{"columns":[{"name":"c","type":"string","domain":["a",null]}]}""", "domain")]
    [InlineData("""{"columns":[{"name":"x","type":"float"}],"maxDuplicateFraction":"NaN"}""", "maxDuplicateFraction")]
    public async Task A_schema_with_a_null_column_or_a_non_finite_number_is_refused_naming_the_field(string json, string field)
    {
        var slice = await infra.SliceAsync();
        var dataset = "schema-" + Guid.NewGuid().ToString("N")[..10];

        using var response = await slice.Validation!.Client.PutAsync($"datasets/{dataset}/schema", new StringContent(json, Encoding.UTF8, "application/json"));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(field, JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString());
        using var stored = await slice.Validation.Client.GetAsync($"datasets/{dataset}/schema");
        Assert.Equal(HttpStatusCode.NotFound, stored.StatusCode);
    }
}

using System.Text.Json.Nodes;
using MlOps.Cli;
using MlOps.Cli.Platform;

namespace MlOps.Tests.Unit.Cli;

public sealed class YamlJsonTests
{
    [Fact]
    public void A_yaml_definition_becomes_the_same_json_with_typed_scalars()
    {
        const string yaml = """
            name: weather
            dataset: seattle-weather
            exclude: [date]
            trainer:
              name: gbdt
              params: { trees: 200, learningRate: 0.1, leaves: 31 }
            promotion:
              minScore: null
              minImprovement: ~
              requireApproval: false
            code: "42"
            when: 2024-01-01
            big: 1e3
            """;
        var json = YamlJson.Convert(yaml, "p.yaml");
        var expected = JsonNode.Parse("""
            {"name":"weather","dataset":"seattle-weather","exclude":["date"],
             "trainer":{"name":"gbdt","params":{"trees":200,"learningRate":0.1,"leaves":31}},
             "promotion":{"minScore":null,"minImprovement":null,"requireApproval":false},
             "code":"42","when":"2024-01-01","big":1000}
            """);
        Assert.True(JsonNode.DeepEquals(expected, json), json!.ToJsonString());
    }

    [Fact]
    public void Invalid_yaml_and_duplicate_keys_name_the_file_and_line()
    {
        var invalid = Assert.Throws<CliException>(() => YamlJson.Convert("a: [1, 2\nb: 3\n", "bad.yaml"));
        Assert.Contains("bad.yaml is not valid YAML", invalid.Message);
        var duplicate = Assert.Throws<CliException>(() => YamlJson.Convert("a: 1\na: 2\n", "dup.yaml"));
        Assert.Contains("dup.yaml is not valid YAML (line 2", duplicate.Message);
    }
}

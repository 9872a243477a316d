using System.Text.Json;
using MlOps.Training.Pipelines;

namespace MlOps.Tests.Unit.Loop;

public sealed class PipelineDefinitionParserTests
{
    const string Design = """
        { "dataset": "seattle-weather", "task": "multiclass", "target": "weather", "exclude": ["date"],
          "trainer": { "name": "gbdt", "params": { "trees": 200, "learningRate": 0.1, "leaves": 31 } },
          "split": { "by": "random", "holdout": 0.2, "seed": 42 },
          "retrain": { "minNewRows": 500, "onDrift": true, "cooldownSeconds": 60 },
          "promotion": { "metric": "accuracy", "minImprovement": 0.0, "minScore": null, "requireApproval": false },
          "drift": { "windowRows": 500, "psi": 0.2, "ksPValue": 0.05, "driftShare": 0.5 },
          "serving": { "shadowShare": 0.0 },
          "alerts": { "webhook": null } }
        """;

    static (PipelineDefinition? Definition, IReadOnlyList<DefinitionProblem> Problems) Parse(string json) =>
        PipelineDefinitionParser.Parse(JsonDocument.Parse(json).RootElement, "weather");

    [Fact]
    public void The_design_document_s_example_is_valid()
    {
        var (definition, problems) = Parse(Design);
        Assert.Empty(problems);
        Assert.Equal("weather", definition!.Target);
        Assert.Equal(200, definition.Trainer.Params["trees"]);
        Assert.Equal(500, definition.Retrain.MinNewRows);
    }

    [Fact]
    public void Defaults_spelled_out_or_left_out_give_the_same_hash()
    {
        var minimal = """{ "dataset": "seattle-weather", "task": "multiclass", "target": "weather", "trainer": { "name": "gbdt" } }""";
        var spelled = """
            { "dataset": "seattle-weather", "task": "multiclass", "target": "weather", "trainer": { "name": "gbdt", "params": {} },
              "split": { "by": "random", "holdout": 0.2, "seed": 42 }, "promotion": { "metric": "accuracy" }, "drift": { "psi": 0.2 } }
            """;
        Assert.Equal(DefinitionHash.Of(Parse(minimal).Definition!), DefinitionHash.Of(Parse(spelled).Definition!));
        Assert.NotEqual(DefinitionHash.Of(Parse(minimal).Definition!), DefinitionHash.Of(Parse(Design).Definition!));
    }

    [Theory]
    [InlineData("target", """{ "dataset": "d", "task": "binary", "trainer": { "name": "gbdt" } }""")]
    [InlineData("task", """{ "dataset": "d", "task": "ranking", "target": "y", "trainer": { "name": "gbdt" } }""")]
    [InlineData("trainer", """{ "dataset": "d", "task": "binary", "target": "y" }""")]
    [InlineData("trainer.name", """{ "dataset": "d", "task": "binary", "target": "y", "trainer": { "name": "magic" } }""")]
    [InlineData("trainer.name", """{ "dataset": "d", "task": "regression", "target": "y", "trainer": { "name": "logistic" } }""")]
    [InlineData("trainer.params", """{ "dataset": "d", "task": "binary", "target": "y", "trainer": { "name": "gbdt", "params": { "depth": 3 } } }""")]
    [InlineData("trainer.params.trees", """{ "dataset": "d", "task": "binary", "target": "y", "trainer": { "name": "gbdt", "params": { "trees": "many" } } }""")]
    [InlineData("split.timeColumn", """{ "dataset": "d", "task": "binary", "target": "y", "trainer": { "name": "gbdt" }, "split": { "by": "time" } }""")]
    [InlineData("drift.ksPValue", """{ "dataset": "d", "task": "binary", "target": "y", "trainer": { "name": "gbdt" }, "drift": { "ksPValue": 1 } }""")]
    [InlineData("drift.driftShare", """{ "dataset": "d", "task": "binary", "target": "y", "trainer": { "name": "gbdt" }, "drift": { "driftShare": 0 } }""")]
    [InlineData("promotion.minScore", """{ "dataset": "d", "task": "binary", "target": "y", "trainer": { "name": "gbdt" }, "promotion": { "minScore": 1.5 } }""")]
    [InlineData("promotion.minImprovement", """{ "dataset": "d", "task": "binary", "target": "y", "trainer": { "name": "gbdt" }, "promotion": { "minImprovement": -0.1 } }""")]
    [InlineData("exclude", """{ "dataset": "d", "task": "binary", "target": "y", "exclude": ["y"], "trainer": { "name": "gbdt" } }""")]
    [InlineData("name", """{ "name": "other", "dataset": "d", "task": "binary", "target": "y", "trainer": { "name": "gbdt" } }""")]
    [InlineData("alerts.webhook", """{ "dataset": "d", "task": "binary", "target": "y", "trainer": { "name": "gbdt" }, "alerts": { "webhook": "file:///etc/passwd" } }""")]
    public void An_invalid_definition_is_refused_naming_the_field(string field, string json)
    {
        var (definition, problems) = Parse(json);
        Assert.Null(definition);
        Assert.Contains(problems, p => p.Field == field);
    }
}

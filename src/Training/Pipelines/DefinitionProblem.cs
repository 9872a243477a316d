namespace MlOps.Training.Pipelines;

/// <summary>One thing wrong with a pipeline definition: the JSON path of the field and what is wrong with it.</summary>
public sealed record DefinitionProblem(string Field, string Message);

using MlOps.Training.Pipelines;

namespace MlOps.Training.Data;

/// <summary>A pipeline's current definition. Every definition it ever had stays in <see cref="PipelineVersion"/>.</summary>
public sealed class Pipeline
{
    public required string Name { get; set; }
    public required string Dataset { get; set; }
    public required string DefinitionHash { get; set; }
    public required PipelineDefinition Definition { get; set; }
    /// <summary>1 for the first definition, +1 for each change.</summary>
    public int Revision { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One definition a pipeline has had, kept by its hash (runs name the hash they trained with).</summary>
public sealed class PipelineVersion
{
    public required string Name { get; set; }
    public required string Hash { get; set; }
    public int Revision { get; set; }
    public required PipelineDefinition Definition { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

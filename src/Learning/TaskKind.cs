namespace MlOps.Learning;

/// <summary>What a model predicts.</summary>
public enum TaskKind : byte
{
    /// <summary>Two classes; raw output is the log-odds of the second class.</summary>
    Binary = 1,
    /// <summary>Three or more classes; one raw output per class, softmax.</summary>
    Multiclass = 2,
    /// <summary>A real number; squared error.</summary>
    Regression = 3,
}

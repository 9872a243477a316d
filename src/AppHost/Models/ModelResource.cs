using Aspire.Hosting.ApplicationModel;
namespace MlOps.AppHost.Models;

/// <summary>
/// A model on the dashboard, under Registry. A model whose pipeline the AppHost applies from a file is a resource of
/// its own (<see cref="Model"/> names it); models defined at run time are extra rows of the one resource named
/// <see cref="RunTimeName"/> (<see cref="Model"/> null), each published under the model's name as its resource id.
/// </summary>
public sealed class ModelResource(string name, string? model) : Resource(name)
{
    /// <summary>The resource whose rows are the models defined at run time.</summary>
    public const string RunTimeName = "models";

    public const string ResourceType = "Model";

    public string? Model { get; } = model;

    /// <summary>The model a row stands for: the resource's own model, else the row's resource id.</summary>
    public string ModelOf(string resourceId) => Model ?? resourceId;
}

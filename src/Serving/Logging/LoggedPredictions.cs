using MlOps.Serving.Models;
using MlOps.Serving.Predictions;

namespace MlOps.Serving.Logging;

/// <summary>One request's predictions by one model version, on their way to the prediction log.</summary>
/// <param name="Outputs">Row-major: class probabilities (in the model's class order) or the regression value.</param>
public sealed record LoggedPredictions(LoadedModel Model, bool Shadow, DateTimeOffset At, Guid[] Ids, RowBatch Rows, double[] Outputs)
{
    public int Count => Ids.Length;
}

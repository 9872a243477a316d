using MlOps.Learning.Metrics;
using MlOps.Contracts;
using MlOps.Learning.Artifacts;
using MlOps.Learning.Data;
using MlOps.Learning.Trainers;
using MlOps.ServiceDefaults.Blobs;

namespace MlOps.Registry.Gate;

/// <summary>Scores a champion's artifact on a candidate's holdout: both read from the blob store by content hash only.</summary>
public sealed class ChampionScorer(IBlobStore blobs)
{
    /// <returns>The score, or the reason the champion cannot be scored on those rows.</returns>
    public async Task<(double? Score, string? Problem)> ScoreAsync(string championArtifact, HoldoutReference holdout, string metric, CancellationToken ct)
    {
        using var activity = RegistryTelemetry.Source.StartActivity("score champion");
        try
        {
            var model = ModelArtifact.FromBytes(await blobs.ReadAllBytesAsync(championArtifact, ct));
            var types = new Dictionary<string, ColumnType>(StringComparer.Ordinal);
            foreach (var (column, type) in holdout.ColumnTypes)
                if (ColumnTypeNames.TryParse(type, out var t))
                    types[column] = t;
            using var rows = new MemoryStream(await blobs.ReadAllBytesAsync(holdout.BlobRef, ct));
            var frame = TabularFrame.ReadCsv(rows, new CsvReadOptions { ColumnTypes = types });
            var metrics = Trainer.Evaluate(model, frame);
            var name = GateMetrics.EngineName(metric);
            return metrics.TryGetValue(name, out var score)
                ? (score, null)
                : (null, $"the champion's task has no {metric} metric");
        }
        catch (Exception e) when (e is BlobNotFoundException or BlobCorruptedException or ModelFormatException or InvalidDataException or TrainingDataException)
        {
            return (null, e.Message);
        }
    }
}

using System.Diagnostics.Metrics;

namespace MlOps.Ingestion;

/// <summary>Ingestion's metrics: batches received and decided, rows received.</summary>
public static class IngestionTelemetry
{
    public const string Name = "MlOps.Ingestion";
    static readonly Meter Meter = new(Name);

    public static readonly Counter<long> BatchesReceived = Meter.CreateCounter<long>("mlops.ingestion.batches", "{batch}",
        "Batches received, by dataset and status (arrived: on its way to validation; rejected: unreadable at once)");
    public static readonly Counter<long> RowsReceived = Meter.CreateCounter<long>("mlops.ingestion.rows", "{row}", "Rows of the batches received, by dataset");
    public static readonly Counter<long> BatchesDecided = Meter.CreateCounter<long>("mlops.ingestion.batches.decided", "{batch}",
        "Batches whose validation result was recorded, by dataset and outcome (validated or rejected)");
}

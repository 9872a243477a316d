using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MlOps.Training.Runs;

/// <summary>Spans for a run's phases (load, split, fit, evaluate, store) and metrics the dashboard charts.</summary>
public static class TrainingTelemetry
{
    public const string Name = "MlOps.Training";
    public static readonly ActivitySource Source = new(Name);
    static readonly Meter Meter = new(Name);

    public static readonly Histogram<double> RunDuration = Meter.CreateHistogram<double>("mlops.training.run.duration", "s", "Wall time of a training run, queued to finished excluded");
    public static readonly Counter<long> RowsTrained = Meter.CreateCounter<long>("mlops.training.rows", "{row}", "Rows models were trained on");
    public static readonly Histogram<double> HoldoutScore = Meter.CreateHistogram<double>("mlops.training.holdout.score", null, "Each run's holdout score on its pipeline's promotion metric");
    public static readonly Counter<long> RoundsFitted = Meter.CreateCounter<long>("mlops.training.rounds", "{round}", "Boosting rounds fitted by running and finished runs, as they progress");
    public static readonly Counter<long> Runs = Meter.CreateCounter<long>("mlops.training.runs", "{run}", "Finished runs by outcome");
}

namespace MlOps.Training;

public sealed class TrainingOptions
{
    public const string Section = "Training";

    /// <summary>How often the worker looks for due runs when nothing signalled one (a cooldown ending, another replica's request).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often runs left running by a process that is gone (crashed, killed, its machine lost) are queued again; also
    /// done at start-up. A run another live replica is training is never touched (<see cref="Runs.RunLease"/>).
    /// </summary>
    public TimeSpan InterruptedRunCheck { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Threads one run may use; 0 means all cores. The artifact is byte-identical for any value.</summary>
    public int MaxDegreeOfParallelism { get; set; } = 1;

    /// <summary>How long <c>POST /runs/{id}/reproduce</c> waits for the retrain before answering 202 with the new run.</summary>
    public TimeSpan ReproduceWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The code version recorded in lineage; defaults to the learning engine's informational version (with its git commit).</summary>
    public string? CodeVersion { get; set; }

    /// <summary>How often a fitting run's record is brought up to date with the rounds (trees) built.</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(1);
}

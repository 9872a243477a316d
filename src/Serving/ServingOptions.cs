namespace MlOps.Serving;

/// <summary>Serving's settings (section <c>Serving</c>).</summary>
public sealed class ServingOptions
{
    public const string Section = "Serving";

    /// <summary>Rows one predict request may carry; more is answered 413.</summary>
    public int MaxRowsPerRequest { get; set; } = 1000;

    /// <summary>Items one feedback request may carry; more is answered 413.</summary>
    public int MaxFeedbackItems { get; set; } = 10_000;

    /// <summary>A prediction log window is written once it holds this many predictions …</summary>
    public int LogWindowRows { get; set; } = 1000;

    /// <summary>… or once its first prediction is this old, whichever comes first.</summary>
    public TimeSpan LogWindowAge { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Requests' predictions waiting for the log writer. A request never waits for the log: when the queue is full its
    /// predictions are counted (<c>mlops.serving.log.dropped</c>) and a warning is logged. Generous, since a blob store
    /// outage of a minute at a few thousand requests per second must fit.
    /// </summary>
    public int LogQueueCapacity { get; set; } = 200_000;

    /// <summary>Prediction log windows (their rows and blobs) are deleted once their last prediction is this old.</summary>
    public TimeSpan LogRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often old prediction logs are looked for.</summary>
    public TimeSpan LogRetentionInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How often the served models are compared with servingdb, so a champion whose artifact could not be loaded is
    /// retried and replicas that did not receive a promotion catch up. Replicas compete for <c>ModelPromoted</c> (one
    /// queue), so this bounds how long the others serve the previous champion: short, as the query is one row per model.
    /// </summary>
    public TimeSpan ChampionSyncInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Regression shadow outputs agree with the champion's when within this relative difference.</summary>
    public double ShadowRegressionTolerance { get; set; } = 0.01;

    /// <summary>Maps <c>POST /bench/constant</c>, a constant answer for benchmarking the host itself.</summary>
    public bool BenchmarkEndpoint { get; set; }

    internal void Validate()
    {
        if (MaxRowsPerRequest < 1) throw new InvalidOperationException("Serving:MaxRowsPerRequest must be at least 1.");
        if (MaxFeedbackItems < 1) throw new InvalidOperationException("Serving:MaxFeedbackItems must be at least 1.");
        if (LogWindowRows < 1) throw new InvalidOperationException("Serving:LogWindowRows must be at least 1.");
        if (LogWindowAge <= TimeSpan.Zero) throw new InvalidOperationException("Serving:LogWindowAge must be positive.");
        if (LogQueueCapacity < 1) throw new InvalidOperationException("Serving:LogQueueCapacity must be at least 1.");
        if (LogRetention <= TimeSpan.Zero) throw new InvalidOperationException("Serving:LogRetention must be positive.");
        if (LogRetentionInterval <= TimeSpan.Zero) throw new InvalidOperationException("Serving:LogRetentionInterval must be positive.");
        if (ChampionSyncInterval <= TimeSpan.Zero) throw new InvalidOperationException("Serving:ChampionSyncInterval must be positive.");
    }
}

namespace MlOps.Monitoring;

/// <summary>Bound from the <c>Monitoring</c> section.</summary>
public sealed class MonitoringOptions
{
    /// <summary>auto (the test chosen by type and reference size) or psi (the population stability index for every feature).</summary>
    public string DriftTest { get; set; } = "auto";

    public AlertOptions Alerts { get; set; } = new();
}

public sealed class AlertOptions
{
    /// <summary>Deliveries tried before an alert is marked failed.</summary>
    public int MaxAttempts { get; set; } = 8;
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(2);
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>How often the sender looks for alerts due.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Exponential backoff: the delay before attempt <paramref name="attempts"/> + 1.</summary>
    public TimeSpan Backoff(int attempts)
    {
        var delay = FirstRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Max(attempts - 1, 0));
        return TimeSpan.FromMilliseconds(Math.Min(delay, MaxRetryDelay.TotalMilliseconds));
    }
}

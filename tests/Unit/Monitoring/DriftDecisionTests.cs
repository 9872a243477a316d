using MlOps.Monitoring.Windows;

namespace MlOps.Tests.Unit.Monitoring;

public sealed class DriftDecisionTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(2, 4, 0.5, true)]
    [InlineData(1, 4, 0.5, false)]
    [InlineData(1, 3, 0.33, true)]
    [InlineData(0, 0, 0.5, false)]
    [InlineData(0, 4, 0.0, true)]
    public void Dataset_drift_is_when_the_share_of_drifted_features_reaches_the_policy(int drifted, int features, double share, bool expected) =>
        Assert.Equal(expected, DriftDecision.IsDatasetDrift(drifted, features, share));

    [Fact]
    public void A_drifted_window_publishes_unless_the_last_drift_event_is_within_the_cooldown()
    {
        Assert.Null(DriftDecision.Outcome(false, null, 60, Now));
        Assert.Equal(DriftDecision.Published, DriftDecision.Outcome(true, null, 60, Now));
        Assert.Equal(DriftDecision.Cooldown, DriftDecision.Outcome(true, Now.AddSeconds(-59), 60, Now));
        Assert.Equal(DriftDecision.Published, DriftDecision.Outcome(true, Now.AddSeconds(-60), 60, Now));
        Assert.Equal(DriftDecision.Published, DriftDecision.Outcome(true, Now.AddSeconds(-1), 0, Now));
    }

    [Fact]
    public void Performance_is_accuracy_or_rmse_and_a_drop_is_the_change_in_the_worse_direction()
    {
        Assert.Equal(0.75, Performance.Score("accuracy", [("rain", "rain"), ("sun", "rain"), ("sun", "sun"), ("fog", "fog")]));
        Assert.Equal(Math.Sqrt((1 + 4) / 2.0), Performance.Score("rmse", [("1", "2"), ("5", "3"), ("x", "1")]));
        Assert.Null(Performance.Score("accuracy", []));
        Assert.Equal(-0.1, Performance.Drop("accuracy", 0.7, 0.8)!.Value, 9);
        Assert.Null(Performance.Drop("accuracy", 0.9, 0.8));
        Assert.Equal(0.5, Performance.Drop("rmse", 2.5, 2.0)!.Value, 9);
        Assert.Null(Performance.Drop("rmse", 1.5, 2.0));
        Assert.Null(Performance.Drop("accuracy", null, 0.8));
    }
}

using MlOps.Learning.Metrics;
using MlOps.Contracts;
using MlOps.Registry.Gate;

namespace MlOps.Tests.Unit.Loop;

public sealed class PromotionRuleTests
{
    [Fact]
    public void A_first_version_is_promoted_without_a_floor_and_declined_below_one()
    {
        Assert.True(PromotionRule.Decide(new PromotionPolicy("accuracy", 0), 0.3, null, null).Passes);
        var (passes, comparison, reason) = PromotionRule.Decide(new PromotionPolicy("accuracy", 0, MinScore: 0.5), 0.3, null, null);
        Assert.False(passes);
        Assert.Null(comparison.Champion);
        Assert.Contains("floor 0.5", reason);
    }

    [Theory]
    [InlineData("accuracy", 0.81, 0.80, 0.0, true)]
    [InlineData("accuracy", 0.80, 0.80, 0.0, false)] // a tie keeps the champion
    [InlineData("accuracy", 0.79, 0.80, 0.0, false)]
    [InlineData("accuracy", 0.81, 0.80, 0.02, false)] // better, but not by the margin
    [InlineData("auc", 0.90, 0.85, 0.05, true)]
    [InlineData("f1", 0.7, 0.6, 0.0, true)]
    [InlineData("r2", 0.5, 0.6, 0.0, false)]
    [InlineData("rmse", 1.9, 2.0, 0.0, true)] // lower is better
    [InlineData("rmse", 2.1, 2.0, 0.0, false)]
    [InlineData("mae", 0.9, 1.0, 0.2, false)]
    [InlineData("logloss", 0.4, 0.6, 0.1, true)]
    public void A_later_version_must_beat_the_champion_by_the_margin_in_the_metric_s_direction(string metric, double candidate, double champion, double margin, bool expected)
    {
        var (passes, comparison, _) = PromotionRule.Decide(new PromotionPolicy(metric, margin), candidate, champion, 1);
        Assert.Equal(expected, passes);
        Assert.Equal(candidate, comparison.Candidate);
        Assert.Equal(champion, comparison.Champion);
        Assert.Equal(metric is "accuracy" or "auc" or "f1" or "r2", comparison.HigherIsBetter);
        Assert.Contains(metric, comparison.Rule);
    }

    [Fact]
    public void A_candidate_better_than_the_champion_still_needs_the_floor()
    {
        var (passes, _, reason) = PromotionRule.Decide(new PromotionPolicy("rmse", 0, MinScore: 1.0), 1.5, 2.0, 3);
        Assert.False(passes);
        Assert.Contains("floor", reason);
    }

    [Fact]
    public void Gate_metric_names_map_to_the_engine_s()
    {
        Assert.Equal("macroF1", GateMetrics.EngineName("f1"));
        Assert.Equal("logLoss", GateMetrics.EngineName("logloss"));
        Assert.Equal("accuracy", GateMetrics.EngineName("accuracy"));
    }
}

using System.Globalization;
using MlOps.Contracts;
using MlOps.Learning.Metrics;

namespace MlOps.Registry.Gate;

/// <summary>The gate's arithmetic: metric direction, the floor and the margin over the champion. No I/O, so it is tested alone.</summary>
public static class PromotionRule
{
    /// <summary>
    /// Whether a candidate passes: it meets the floor (<c>minScore</c>) when there is one, and when there is a champion,
    /// it is better than the champion by at least <c>minImprovement</c> (and by more than nothing: a tie keeps the champion).
    /// </summary>
    public static (bool Passes, MetricComparison Comparison, string Reason) Decide(PromotionPolicy policy, double candidate, double? champion, int? championVersion)
    {
        var higher = GateMetrics.HigherIsBetter(policy.Metric);
        var direction = higher ? "higher is better" : "lower is better";
        var rule = champion is null
            ? $"{policy.Metric} ({direction}): the first version becomes champion" + (policy.MinScore is { } f ? $" if it reaches {F(f)}" : "")
            : $"{policy.Metric} ({direction}): the candidate must beat champion v{championVersion} by more than 0 and at least {F(policy.MinImprovement)} on the candidate's holdout"
              + (policy.MinScore is { } f2 ? $", and reach {F(f2)}" : "");
        var comparison = new MetricComparison(policy.Metric, candidate, champion, policy.MinImprovement, higher, rule, policy.MinScore);

        if (double.IsNaN(candidate))
            return (false, comparison, $"the candidate's {policy.Metric} is not a number");
        if (policy.MinScore is { } floor && (higher ? candidate < floor : candidate > floor))
            return (false, comparison, $"the candidate's {policy.Metric} {F(candidate)} does not reach the floor {F(floor)}");
        if (champion is not { } c)
            return (true, comparison, policy.MinScore is null ? "first version" : $"first version, {policy.Metric} {F(candidate)} reaches the floor {F(policy.MinScore.Value)}");
        var improvement = higher ? candidate - c : c - candidate;
        if (improvement > 0 && improvement >= policy.MinImprovement)
            return (true, comparison, $"{policy.Metric} {F(candidate)} beats champion v{championVersion}'s {F(c)} by {F(improvement)} (at least {F(policy.MinImprovement)} required)");
        return (false, comparison, improvement > 0
            ? $"{policy.Metric} {F(candidate)} beats champion v{championVersion}'s {F(c)} by only {F(improvement)}; at least {F(policy.MinImprovement)} is required"
            : $"{policy.Metric} {F(candidate)} is not better than champion v{championVersion}'s {F(c)} on the candidate's holdout");
    }

    static string F(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);
}

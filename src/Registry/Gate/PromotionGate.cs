using MlOps.Learning.Metrics;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using MlOps.Contracts;
using MlOps.Registry.Data;
using MlOps.ServiceDefaults.Outbox;

namespace MlOps.Registry.Gate;

/// <summary>
/// Decides a new version: the first becomes champion if it reaches the optional floor; a later one is compared with
/// the champion on the same rows — the champion's artifact re-scored on the candidate's holdout — by the pipeline's
/// promotion metric and margin. The policy comes with the version (<c>ModelTrained.Promotion</c>), so the gate never
/// waits for a <c>PipelineDefined</c>. Outcome: <c>ModelPromoted</c>, <c>PromotionDeclined</c>, or a version awaiting a
/// person's approval.
/// </summary>
public sealed class PromotionGate(ChampionScorer scorer, TimeProvider time)
{
    public async Task DecideAsync(RegistryDbContext db, RegisteredModel model, ModelVersion candidate, DateTimeOffset now, CancellationToken ct)
    {
        using var activity = RegistryTelemetry.Source.StartActivity("gate");
        var policy = candidate.Promotion ?? DefaultPolicy(candidate);
        var metric = GateMetrics.EngineName(policy.Metric);
        var champion = model.ChampionVersion is { } cv
            ? await db.Versions.AsNoTracking().SingleAsync(v => v.Model == model.Name && v.Version == cv, ct)
            : null;

        if (!candidate.Metrics.TryGetValue(metric, out var candidateScore))
        {
            Decline(db, model, candidate, champion, new MetricComparison(policy.Metric, double.NaN, null, policy.MinImprovement, GateMetrics.HigherIsBetter(policy.Metric)),
                $"the candidate has no {policy.Metric} metric", now);
            return;
        }
        RegistryTelemetry.HoldoutScore.Record(candidateScore, new("model", model.Name), new("metric", policy.Metric));

        double? championScore = null;
        var basis = "";
        if (champion is not null)
        {
            if (candidate.Holdout is { } holdout)
            {
                var (score, problem) = await scorer.ScoreAsync(champion.ArtifactHash, holdout, policy.Metric, ct);
                if (score is null)
                {
                    Decline(db, model, candidate, champion, new MetricComparison(policy.Metric, candidateScore, null, policy.MinImprovement, GateMetrics.HigherIsBetter(policy.Metric)),
                        $"champion v{champion.Version} cannot be scored on the candidate's holdout ({problem}); promote by hand if the candidate should replace it", now);
                    return;
                }
                championScore = score;
            }
            else
            {
                // No holdout to share: the best available is the champion's score on its own holdout.
                championScore = champion.Metrics.TryGetValue(metric, out var own) ? own : double.NaN;
                basis = " (the candidate carried no holdout: the champion's score is from its own holdout)";
            }
        }

        var (passes, comparison, reason) = PromotionRule.Decide(policy, candidateScore, championScore, champion?.Version);
        reason += basis;
        activity?.SetTag("mlops.gate.metric", policy.Metric);
        activity?.SetTag("mlops.gate.candidate", candidateScore);
        activity?.SetTag("mlops.gate.champion", championScore);
        if (!passes)
        {
            Decline(db, model, candidate, champion, comparison, reason, now);
            return;
        }
        if (policy.RequireApproval)
        {
            Record(candidate, champion, GateDecisions.AwaitingApproval, comparison, reason + "; awaiting a person's approval (POST /models/{model}/aliases/champion)");
            return;
        }
        Record(candidate, champion, GateDecisions.Promoted, comparison, reason);
        Promote(db, model, candidate, "gate", reason, comparison, now, time);
    }

    /// <summary>Moves the champion alias to <paramref name="version"/>, appends the audit entry and publishes <c>ModelPromoted</c>.</summary>
    public static void Promote(RegistryDbContext db, RegisteredModel model, ModelVersion version, string who, string reason, MetricComparison? comparison,
        DateTimeOffset now, TimeProvider time)
    {
        var previous = model.ChampionVersion;
        model.ChampionVersion = version.Version;
        model.ChampionSince = now;
        model.UpdatedAt = now;
        db.Audit.Add(new AuditEntry
        {
            Model = model.Name,
            At = now,
            Who = who,
            Action = who == "gate" ? "gate" : previous is { } p && p > version.Version ? "rollback" : "promote",
            FromVersion = previous,
            ToVersion = version.Version,
            Reason = reason,
        });
        db.AddEvent(new ModelPromoted(model.Name, version.Version, previous, version.ArtifactHash, reason, comparison, version.ReferenceProfile,
            version.CorrelationId, now, who), version.CorrelationId, time);
        if (who != "gate")
            RegistryTelemetry.Decisions.Add(1, new KeyValuePair<string, object?>("decision", "manual"));
    }

    void Decline(RegistryDbContext db, RegisteredModel model, ModelVersion candidate, ModelVersion? champion, MetricComparison comparison, string reason, DateTimeOffset now)
    {
        Record(candidate, champion, GateDecisions.Declined, comparison, reason);
        db.AddEvent(new PromotionDeclined(model.Name, candidate.Version, champion?.Version, reason, comparison, candidate.CorrelationId, now), candidate.CorrelationId, time);
        Activity.Current?.SetTag("mlops.gate.decision", GateDecisions.Declined);
    }

    static void Record(ModelVersion candidate, ModelVersion? champion, string decision, MetricComparison comparison, string reason)
    {
        candidate.GateDecision = decision;
        candidate.GateReason = reason;
        candidate.GateComparison = comparison;
        candidate.GateChampionVersion = champion?.Version;
        RegistryTelemetry.Decisions.Add(1, new KeyValuePair<string, object?>("decision", decision));
    }

    static PromotionPolicy DefaultPolicy(ModelVersion v) =>
        new(v.Task == "regression" || v.Metrics.ContainsKey("rmse") ? "rmse" : "accuracy", 0);
}

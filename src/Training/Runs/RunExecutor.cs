using MlOps.Learning.Metrics;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MlOps.Contracts;
using MlOps.Learning;
using MlOps.Learning.Artifacts;
using MlOps.Learning.Data;
using MlOps.Learning.Profiling;
using MlOps.Learning.Trainers;
using MlOps.ServiceDefaults.Blobs;
using MlOps.ServiceDefaults.Outbox;
using MlOps.Training.Data;
using MlOps.Training.Pipelines;

namespace MlOps.Training.Runs;

/// <summary>
/// Executes one claimed run: load the pinned dataset version, split it as defined (seeded), fit, evaluate on the
/// holdout, store artifact and holdout in the blob store, then record the outcome and its event in one transaction.
/// </summary>
public sealed class RunExecutor(IServiceScopeFactory scopes, IBlobStore blobs, IOptions<TrainingOptions> options, TimeProvider time, ILogger<RunExecutor> logger)
{
    public async Task ExecuteAsync(Guid runId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrainingDbContext>();
        var run = await db.Runs.SingleAsync(r => r.Id == runId, ct);
        ActivityContext.TryParse(run.TraceParent, null, out var parent);
        using var activity = TrainingTelemetry.Source.StartActivity("training run", ActivityKind.Internal, parent);
        activity?.SetTag("mlops.pipeline", run.Pipeline);
        activity?.SetTag("mlops.run_id", run.Id.ToString());
        activity?.SetTag("mlops.trigger", run.Trigger);
        var started = Stopwatch.StartNew();
        try
        {
            var outcome = await TrainAsync(db, run, ct);
            await SucceedAsync(db, run, outcome, ct);
            TrainingTelemetry.Runs.Add(1, new("pipeline", run.Pipeline), new("outcome", "succeeded"));
        }
        catch (Exception e) when (e is TrainingInputException or TrainingDataException or ModelFormatException)
        {
            await FailAsync(db, run, e.Message, ct);
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            logger.LogError(e, "Run {RunId} of {Pipeline} failed unexpectedly", run.Id, run.Pipeline);
            await FailAsync(db, run, $"The run failed unexpectedly ({e.GetType().Name}: {e.Message}); see the Training service's log.", ct);
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
        }
        TrainingTelemetry.RunDuration.Record(started.Elapsed.TotalSeconds, new KeyValuePair<string, object?>("pipeline", run.Pipeline));
    }

    sealed record Outcome(string ArtifactHash, TrainedModel Model, IReadOnlyDictionary<string, double> Metrics, string HoldoutRef,
        Dictionary<string, string> HoldoutTypes, long TrainRows, long HoldoutRows, Dictionary<string, double> Params);

    async Task<Outcome> TrainAsync(TrainingDbContext db, TrainingRun run, CancellationToken ct)
    {
        var definition = run.Definition ?? throw new TrainingInputException($"Pipeline '{run.Pipeline}' has no definition.");
        if (run.BatchHashes is null || run.DatasetRows is null)
            throw new TrainingInputException($"Dataset '{definition.Dataset}' has no version yet: no rows to train on. Post a batch of it to Ingestion first.");
        var parallelism = options.Value.MaxDegreeOfParallelism;

        TabularFrame frame;
        var loadClock = Stopwatch.StartNew();
        using (Phase(run, "load"))
        {
            await SetPhaseAsync(db, run, "loading", ct);
            frame = await new DatasetLoader(blobs).LoadAsync(run.BatchHashes, ct, run.BatchRows);
        }
        run.Timings["load"] = loadClock.Elapsed.TotalSeconds;
        var spec = Spec(definition, frame, parallelism);

        TabularFrame train, holdout;
        using (Phase(run, "split"))
        {
            await SetPhaseAsync(db, run, "splitting", ct);
            (train, holdout) = Split(definition, frame);
        }

        TrainedModel model;
        var fitClock = Stopwatch.StartNew();
        using (Phase(run, "fit"))
        {
            await SetPhaseAsync(db, run, "fitting", ct);
            var progress = new FitProgress();
            var fit = Task.Run(() => Trainer.Train(train, spec with { Progress = progress }), ct);
            // The fit reports each round to a counter; the run's record is brought up to date at most once a second.
            while (await Task.WhenAny(fit, Task.Delay(options.Value.ProgressInterval, ct)) != fit)
                await SaveProgressAsync(db, run, progress, ct);
            model = await fit;
            await SaveProgressAsync(db, run, progress, ct);
        }
        run.Timings["fit"] = fitClock.Elapsed.TotalSeconds;

        IReadOnlyDictionary<string, double> metrics;
        var evalClock = Stopwatch.StartNew();
        using (Phase(run, "evaluate"))
        {
            await SetPhaseAsync(db, run, "evaluating", ct);
            metrics = await Task.Run(() => Trainer.Evaluate(model, holdout), ct);
            model = model.WithMetrics(metrics);
        }
        run.Timings["evaluate"] = evalClock.Elapsed.TotalSeconds;

        string artifactHash, holdoutRef;
        var storeClock = Stopwatch.StartNew();
        using (Phase(run, "store"))
        {
            await SetPhaseAsync(db, run, "storing", ct);
            // The artifact holds no time, machine or thread-dependent value: the same inputs give the same bytes and key.
            using (var artifact = new MemoryStream(ModelArtifact.ToBytes(model)))
                artifactHash = (await blobs.PutAsync(artifact, ct)).Key;
            using var holdoutBytes = new MemoryStream(HoldoutCsv.Write(holdout));
            holdoutRef = (await blobs.PutAsync(holdoutBytes, ct)).Key;
        }
        run.Timings["store"] = storeClock.Elapsed.TotalSeconds;

        var resolved = Hyperparameters.Resolve(spec.Trainer, spec.Parameters)
            .ToDictionary(kv => kv.Key, kv => double.Parse(kv.Value, CultureInfo.InvariantCulture));
        return new Outcome(artifactHash, model, metrics, holdoutRef, HoldoutCsv.ColumnTypes(holdout), train.RowCount, holdout.RowCount, resolved);
    }

    static TrainingSpec Spec(PipelineDefinition d, TabularFrame frame, int parallelism)
    {
        if (frame.RowCount == 0)
            throw new TrainingInputException($"Dataset '{d.Dataset}' has no rows.");
        var columns = frame.Columns.Select(c => c.Name).ToList();
        if (!frame.Contains(d.Target))
            throw new TrainingInputException($"The target column '{d.Target}' is not in dataset '{d.Dataset}' (its columns: {string.Join(", ", columns)}). Fix the pipeline's target or send data with that column.");
        var missing = d.Features.Where(f => !frame.Contains(f)).ToList();
        if (missing.Count > 0)
            throw new TrainingInputException($"Feature column(s) {string.Join(", ", missing.Select(m => $"'{m}'"))} are not in dataset '{d.Dataset}' (its columns: {string.Join(", ", columns)}).");
        if (d.Split.TimeColumn is { } tc && !frame.Contains(tc))
            throw new TrainingInputException($"The split's time column '{tc}' is not in dataset '{d.Dataset}'.");
        var exclude = d.Exclude.Where(frame.Contains).ToHashSet(StringComparer.Ordinal);
        if (d.Features.Count > 0)
            exclude.UnionWith(columns.Where(c => c != d.Target && !d.Features.Contains(c)));
        if (d.TaskKind != MlTask.Regression)
        {
            var target = frame[d.Target];
            var classes = new HashSet<string>(StringComparer.Ordinal);
            for (var r = 0; r < target.Length && classes.Count < 2; r++)
                if (target.Format(r) is { } label)
                    classes.Add(label);
            if (classes.Count < 2)
                throw new TrainingInputException(classes.Count == 0
                    ? $"The target column '{d.Target}' has no values in dataset '{d.Dataset}'."
                    : $"The target column '{d.Target}' has one class only ('{classes.Single()}') in dataset '{d.Dataset}'; classification needs at least two. Send rows of other classes, or change the task.");
        }
        return new TrainingSpec
        {
            Target = d.Target,
            Task = d.TaskKind switch { MlTask.Binary => TaskKind.Binary, MlTask.Multiclass => TaskKind.Multiclass, _ => TaskKind.Regression },
            Trainer = d.Trainer.Name,
            Parameters = PipelineDefinitionParser.ToEngine(d.Trainer.Params),
            Exclude = [.. exclude.Order(StringComparer.Ordinal)],
            Seed = d.Split.Seed,
            MaxDegreeOfParallelism = parallelism,
        };
    }

    /// <summary>The seeded split of the definition: stratified by class for classification, or the latest rows by time.</summary>
    static (TabularFrame Train, TabularFrame Holdout) Split(PipelineDefinition d, TabularFrame frame)
    {
        int[] trainRows, testRows;
        if (d.Split.By == "time")
        {
            var col = frame[d.Split.TimeColumn!];
            if (col.IsCategorical)
                throw new TrainingInputException($"The split's time column '{col.Name}' holds text, not timestamps or numbers.");
            (trainRows, testRows) = DataSplits.ByTime(col.Numbers, d.Split.Holdout);
        }
        else
        {
            (trainRows, testRows) = DataSplits.Random(frame.RowCount, d.Split.Holdout, d.Split.Seed, d.TaskKind == MlTask.Regression ? default : Strata(frame[d.Target]));
        }
        if (trainRows.Length == 0 || testRows.Length == 0)
            throw new TrainingInputException($"Dataset '{d.Dataset}' has {frame.RowCount} rows: too few to hold out {d.Split.Holdout:P0} and still train.");
        return (frame.Take(trainRows), frame.Take(testRows));
    }

    /// <summary>Class index per row over the labels in ordinal order (NaN for a missing label).</summary>
    static double[] Strata(Column target)
    {
        var labels = new string?[target.Length];
        for (var r = 0; r < labels.Length; r++) labels[r] = target.Format(r);
        var classes = labels.OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select((l, i) => (l, i)).ToDictionary(x => x.l, x => (double)x.i, StringComparer.Ordinal);
        return labels.Select(l => l is null ? double.NaN : classes[l]).ToArray();
    }

    async Task SucceedAsync(TrainingDbContext db, TrainingRun run, Outcome o, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        run.Status = RunStatus.Succeeded;
        run.Phase = "done";
        run.ArtifactHash = o.ArtifactHash;
        run.Metrics = o.Metrics.ToDictionary();
        run.Params = o.Params;
        run.Seed = run.Definition!.Split.Seed;
        run.CodeVersion = CodeVersion();
        run.HoldoutRef = o.HoldoutRef;
        run.HoldoutColumnTypes = o.HoldoutTypes;
        run.TrainRows = o.TrainRows;
        run.HoldoutRows = o.HoldoutRows;
        run.FinishedAt = now;
        run.Timings = new Dictionary<string, double>(run.Timings) { ["total"] = (now - run.StartedAt!.Value).TotalSeconds };
        var d = run.Definition;
        var metricName = GateMetrics.EngineName(d.Promotion.Metric);
        if (run.ReproduceOf is { } originalId)
        {
            var original = await db.Runs.AsNoTracking().SingleAsync(r => r.Id == originalId, ct);
            run.Identical = original.ArtifactHash == o.ArtifactHash;
            logger.LogInformation("Reproduction {RunId} of run {Original}: {Hash} {Verdict}", run.Id, originalId, o.ArtifactHash, run.Identical == true ? "identical" : $"differs from {original.ArtifactHash}");
        }
        else
        {
            db.AddEvent(new ModelTrained(
                run.Id, run.Pipeline, DatasetVersionOf(run), run.DefinitionHash!, d.Trainer.Name, o.Params, d.Split.Seed, run.CodeVersion,
                run.Metrics, o.ArtifactHash, ReferenceProfileOf(o.Model.Profile), run.Trigger, run.CorrelationId, now,
                d.TaskKind, d.Target, new HoldoutReference(o.HoldoutRef, "csv", o.HoldoutRows, o.HoldoutTypes), d.Promotion.ToPolicy(), o.TrainRows,
                o.Model.Profile.Target is { } target ? ReferenceOf(target) : null), run.CorrelationId, time);
            TrainingTelemetry.RowsTrained.Add(o.TrainRows, new KeyValuePair<string, object?>("pipeline", run.Pipeline));
            if (o.Metrics.TryGetValue(metricName, out var score))
                TrainingTelemetry.HoldoutScore.Record(score, new("pipeline", run.Pipeline), new("metric", d.Promotion.Metric));
        }
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Run {RunId} of {Pipeline} trained on {Rows} rows: {Metric} {Score}, artifact {Hash}", run.Id, run.Pipeline, o.TrainRows,
            d.Promotion.Metric, o.Metrics.GetValueOrDefault(metricName, double.NaN), o.ArtifactHash);
    }

    async Task FailAsync(TrainingDbContext db, TrainingRun run, string reason, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        run.Status = RunStatus.Failed;
        run.Phase = "done";
        run.Error = reason;
        run.FinishedAt = now;
        run.CodeVersion = CodeVersion();
        if (run.StartedAt is { } startedAt)
            run.Timings = new Dictionary<string, double>(run.Timings) { ["total"] = (now - startedAt).TotalSeconds };
        if (run.ReproduceOf is null)
            db.AddEvent(new TrainingFailed(run.Id, run.Pipeline, reason, run.Trigger, run.CorrelationId, now,
                run.BatchHashes is null ? null : DatasetVersionOf(run), run.DefinitionHash), run.CorrelationId, time);
        await db.SaveChangesAsync(ct);
        TrainingTelemetry.Runs.Add(1, new("pipeline", run.Pipeline), new("outcome", "failed"));
        logger.LogWarning("Run {RunId} of {Pipeline} failed: {Reason}", run.Id, run.Pipeline, reason);
    }

    static DatasetVersion DatasetVersionOf(TrainingRun run) =>
        new(run.Dataset!, run.DatasetHash!, run.BatchHashes!, run.DatasetRows!.Value, run.DatasetNumber, run.BatchRows);

    static IReadOnlyList<FeatureReference> ReferenceProfileOf(ReferenceProfile profile) => profile.Features.Select(ReferenceOf).ToList();

    /// <summary>What drift tests need of a column: shares for categories; std, mean and the sorted values (or their quantiles) for numbers.</summary>
    static FeatureReference ReferenceOf(FeatureProfile f) => f.Type == ColumnType.Categorical
        ? new FeatureReference(f.Name, "categorical", null, f.Categories, f.CategoryShares, f.NullShare, "categorical", f.Count)
        : new FeatureReference(f.Name, "numeric", f.Quantiles, null, f.BinShares, f.NullShare, f.Type.ToString().ToLowerInvariant(), f.Count,
            Finite(f.Mean), Finite(f.StdDev), f.SortedValues ?? []);

    /// <summary>JSON has no NaN: a column with no values has no mean or std.</summary>
    static double? Finite(double v) => double.IsFinite(v) ? v : null;

    string CodeVersion() => options.Value.CodeVersion is { Length: > 0 } configured
        ? configured
        : "learning " + (typeof(Trainer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown");

    async Task SaveProgressAsync(TrainingDbContext db, TrainingRun run, FitProgress progress, CancellationToken ct)
    {
        var (done, total) = progress.Latest;
        if (total == 0 || (run.RoundsDone == done && run.RoundsTotal == total))
            return;
        run.RoundsDone = done;
        run.RoundsTotal = total;
        Activity.Current?.SetTag("mlops.rounds_done", done);
        TrainingTelemetry.RoundsFitted.Add(done - (progress.Saved ?? 0), new KeyValuePair<string, object?>("mlops.pipeline", run.Pipeline));
        progress.Saved = done;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The latest round a fit reported, read by the run's loop (reports come from the fitting thread).</summary>
    sealed class FitProgress : IProgress<TrainingProgress>
    {
        long _latest;

        public int? Saved { get; set; }

        public (int Done, int Total) Latest
        {
            get
            {
                var v = Interlocked.Read(ref _latest);
                return ((int)(v & 0xFFFFFFFF), (int)(v >> 32));
            }
        }

        public void Report(TrainingProgress value) => Interlocked.Exchange(ref _latest, ((long)value.TotalRounds << 32) | (uint)value.Rounds);
    }

    async Task SetPhaseAsync(TrainingDbContext db, TrainingRun run, string phase, CancellationToken ct)
    {
        run.Phase = phase;
        await db.SaveChangesAsync(ct);
    }

    static Activity? Phase(TrainingRun run, string name)
    {
        var activity = TrainingTelemetry.Source.StartActivity(name);
        activity?.SetTag("mlops.pipeline", run.Pipeline);
        return activity;
    }
}

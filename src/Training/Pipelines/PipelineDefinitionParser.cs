using MlOps.Learning.Metrics;
using System.Globalization;
using System.Text.Json;
using MlOps.Learning.Trainers;

namespace MlOps.Training.Pipelines;

/// <summary>
/// Reads a pipeline definition from JSON, checking every field and filling in defaults. Every problem is reported with
/// the path of the field it concerns (<c>trainer.name</c>, <c>drift.psi</c>), so a 400 tells the author what to fix.
/// </summary>
public static class PipelineDefinitionParser
{
    static readonly string[] TopLevel = ["name", "dataset", "task", "target", "features", "exclude", "trainer", "split", "retrain", "promotion", "drift", "serving", "alerts"];
    static readonly string[] Tasks = ["binary", "multiclass", "regression"];

    public static (PipelineDefinition? Definition, IReadOnlyList<DefinitionProblem> Problems) Parse(JsonElement root, string name)
    {
        var p = new Reader();
        if (root.ValueKind != JsonValueKind.Object)
            return (null, [new DefinitionProblem("$", "the definition must be a JSON object")]);
        p.Unknown(root, "", TopLevel);

        if (p.String(root, "name", required: false) is { } own && own != name)
            p.Add("name", $"'{own}' differs from the pipeline name in the URL ('{name}')");
        var dataset = p.String(root, "dataset", required: true);
        if (dataset is not null && !Names.IsValid(dataset))
            p.Add("dataset", $"'{dataset}' is not a valid dataset name: {Names.Rule}");
        var task = p.String(root, "task", required: true);
        if (task is not null && !Tasks.Contains(task))
            p.Add("task", $"'{task}' is not a task: use binary, multiclass or regression");
        var target = p.String(root, "target", required: true);
        var features = p.StringList(root, "features");
        var exclude = p.StringList(root, "exclude");
        if (target is not null && features.Contains(target))
            p.Add("features", $"the target '{target}' cannot also be a feature");
        if (target is not null && exclude.Contains(target))
            p.Add("exclude", $"the target '{target}' is excluded already; remove it from exclude");

        var trainer = ParseTrainer(p, root, task);
        var split = ParseSplit(p, root);
        var retrain = ParseRetrain(p, root);
        var promotion = ParsePromotion(p, root, task);
        var drift = ParseDrift(p, root);
        var serving = new ServingDefinition(p.Number(p.Object(root, "serving", ["shadowShare"]), "serving.shadowShare", 0.0, min: 0, max: 1));
        var alerts = ParseAlerts(p, root);

        if (p.Problems.Count > 0)
            return (null, p.Problems);
        return (new PipelineDefinition(dataset!, task!, target!, features, exclude, trainer!, split, retrain, promotion!, drift, serving, alerts), []);
    }

    static TrainerDefinition? ParseTrainer(Reader p, JsonElement root, string? task)
    {
        if (!root.TryGetProperty("trainer", out var t) || t.ValueKind == JsonValueKind.Null)
        {
            p.Add("trainer", "is required: an object with a name (gbdt, logistic, linear) and params");
            return null;
        }
        var obj = p.Object(root, "trainer", ["name", "params"]);
        var name = p.String(obj, "trainer.name", required: true);
        if (name is null)
            return null;
        try { Hyperparameters.Names(name); }
        catch (TrainingDataException e)
        {
            p.Add("trainer.name", e.Message);
            return null;
        }
        if (name == TrainerNames.Logistic && task == "regression")
            p.Add("trainer.name", "logistic is for binary or multiclass tasks; use linear or gbdt for regression");
        if (name == TrainerNames.Linear && task is "binary" or "multiclass")
            p.Add("trainer.name", "linear is for regression; use logistic or gbdt for classification");

        var parameters = new SortedDictionary<string, double>(StringComparer.Ordinal);
        if (obj is { } o && o.TryGetProperty("params", out var ps) && ps.ValueKind != JsonValueKind.Null)
        {
            if (ps.ValueKind != JsonValueKind.Object)
                p.Add("trainer.params", "must be an object of hyperparameter names to numbers");
            else
                foreach (var prop in ps.EnumerateObject())
                {
                    if (prop.Value.ValueKind == JsonValueKind.Number && prop.Value.TryGetDouble(out var v) && double.IsFinite(v))
                        parameters[prop.Name] = v;
                    else
                        p.Add($"trainer.params.{prop.Name}", "must be a finite number");
                }
        }
        try { Hyperparameters.Resolve(name, ToEngine(parameters)); }
        catch (TrainingDataException e) { p.Add("trainer.params", e.Message); }
        return new TrainerDefinition(name, parameters);
    }

    /// <summary>The engine takes hyperparameters as invariant text.</summary>
    public static Dictionary<string, string> ToEngine(IReadOnlyDictionary<string, double> parameters) =>
        parameters.ToDictionary(kv => kv.Key, kv => kv.Value.ToString("R", CultureInfo.InvariantCulture), StringComparer.Ordinal);

    static SplitDefinition ParseSplit(Reader p, JsonElement root)
    {
        var obj = p.Object(root, "split", ["by", "holdout", "seed", "timeColumn"]);
        var by = p.String(obj, "split.by", required: false) ?? "random";
        if (by is not ("random" or "time"))
            p.Add("split.by", $"'{by}' is not a split: use random or time");
        var holdout = p.Number(obj, "split.holdout", 0.2, min: 0, max: 1, exclusive: true);
        var seed = p.Integer(obj, "split.seed", 42, min: int.MinValue);
        var timeColumn = p.String(obj, "split.timeColumn", required: false);
        if (by == "time" && timeColumn is null)
            p.Add("split.timeColumn", "is required when split.by is time");
        return new SplitDefinition(by, holdout, seed, timeColumn);
    }

    static RetrainDefinition ParseRetrain(Reader p, JsonElement root)
    {
        var obj = p.Object(root, "retrain", ["minNewRows", "onDrift", "cooldownSeconds"]);
        return new RetrainDefinition(
            p.Integer(obj, "retrain.minNewRows", 0, min: 0),
            p.Bool(obj, "retrain.onDrift", false),
            p.Integer(obj, "retrain.cooldownSeconds", 60, min: 0));
    }

    static PromotionDefinition? ParsePromotion(Reader p, JsonElement root, string? task)
    {
        var obj = p.Object(root, "promotion", ["metric", "minImprovement", "minScore", "requireApproval"]);
        var metric = p.String(obj, "promotion.metric", required: false) ?? GateMetrics.Default(task ?? "");
        if (!GateMetrics.IsKnown(metric))
            p.Add("promotion.metric", $"'{metric}' is not a metric: use {string.Join(", ", GateMetrics.All)}");
        else if (task is not null && GateMetrics.IsRegression(metric) != (task == "regression"))
            p.Add("promotion.metric", $"'{metric}' does not apply to a {task} task");
        var minImprovement = p.Number(obj, "promotion.minImprovement", 0.0, min: 0);
        double? minScore = obj is { } o && o.TryGetProperty("minScore", out var ms) && ms.ValueKind != JsonValueKind.Null
            ? p.Number(obj, "promotion.minScore", 0.0, min: double.MinValue)
            : null;
        if (minScore is { } floor && metric is "accuracy" or "auc" or "f1" && floor is < 0 or > 1)
            p.Add("promotion.minScore", $"{floor} is outside [0, 1], the range of {metric}");
        if (minScore is { } f2 && metric is "rmse" or "mae" or "logloss" && f2 < 0)
            p.Add("promotion.minScore", $"{f2} is negative; {metric} is never below 0");
        return new PromotionDefinition(metric, minImprovement, minScore, p.Bool(obj, "promotion.requireApproval", false));
    }

    static DriftDefinition ParseDrift(Reader p, JsonElement root)
    {
        var obj = p.Object(root, "drift", ["windowRows", "psi", "ksPValue", "driftShare"]);
        return new DriftDefinition(
            p.Integer(obj, "drift.windowRows", 500, min: 1),
            p.Number(obj, "drift.psi", 0.2, min: 0, exclusive: true),
            p.Number(obj, "drift.ksPValue", 0.05, min: 0, max: 1, exclusive: true),
            p.Number(obj, "drift.driftShare", 0.5, min: 0, max: 1, exclusiveMinOnly: true));
    }

    static AlertsDefinition ParseAlerts(Reader p, JsonElement root)
    {
        var obj = p.Object(root, "alerts", ["webhook"]);
        var webhook = p.String(obj, "alerts.webhook", required: false);
        if (webhook is not null && (!Uri.TryCreate(webhook, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
            p.Add("alerts.webhook", "must be an absolute http or https URL");
        return new AlertsDefinition(webhook);
    }

    sealed class Reader
    {
        public List<DefinitionProblem> Problems { get; } = [];

        public void Add(string field, string message) => Problems.Add(new DefinitionProblem(field, message));

        public void Unknown(JsonElement obj, string prefix, string[] known)
        {
            foreach (var prop in obj.EnumerateObject())
                if (!known.Contains(prop.Name))
                    Add(prefix + prop.Name, $"is not a field of the definition here (known: {string.Join(", ", known)})");
        }

        /// <summary>The sub-object at <paramref name="field"/>, or null when absent; unknown fields inside are problems.</summary>
        public JsonElement? Object(JsonElement root, string field, string[] known)
        {
            if (!root.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null)
                return null;
            if (v.ValueKind != JsonValueKind.Object)
            {
                Add(field, "must be an object");
                return null;
            }
            Unknown(v, field + ".", known);
            return v;
        }

        static bool TryGet(JsonElement? obj, string path, out JsonElement value)
        {
            value = default;
            var leaf = path[(path.LastIndexOf('.') + 1)..];
            return obj is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(leaf, out value) && value.ValueKind != JsonValueKind.Null;
        }

        public string? String(JsonElement? obj, string path, bool required)
        {
            if (!TryGet(obj, path, out var v))
            {
                if (required)
                    Add(path, "is required");
                return null;
            }
            if (v.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(v.GetString()))
            {
                Add(path, "must be a non-empty string");
                return null;
            }
            return v.GetString();
        }

        public List<string> StringList(JsonElement obj, string path)
        {
            if (!TryGet(obj, path, out var v))
                return [];
            if (v.ValueKind != JsonValueKind.Array || v.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(e.GetString())))
            {
                Add(path, "must be an array of column names");
                return [];
            }
            var list = v.EnumerateArray().Select(e => e.GetString()!).ToList();
            if (list.Distinct(StringComparer.Ordinal).Count() != list.Count)
                Add(path, "names a column twice");
            return list;
        }

        public double Number(JsonElement? obj, string path, double fallback, double min = double.MinValue, double max = double.MaxValue, bool exclusive = false, bool exclusiveMinOnly = false)
        {
            if (!TryGet(obj, path, out var v))
                return fallback;
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out var d) || !double.IsFinite(d))
            {
                Add(path, "must be a finite number");
                return fallback;
            }
            var belowMin = exclusive || exclusiveMinOnly ? d <= min : d < min;
            var aboveMax = exclusive ? d >= max : d > max;
            if (belowMin || aboveMax)
            {
                var range = (exclusive || exclusiveMinOnly ? "(" : "[") + Format(min) + ", " + Format(max) + (exclusive ? ")" : "]");
                Add(path, $"{d.ToString(CultureInfo.InvariantCulture)} is out of range: it must be in {range}");
            }
            return d;
        }

        static string Format(double v) => v == double.MaxValue ? "∞" : v == double.MinValue ? "-∞" : v.ToString(CultureInfo.InvariantCulture);

        public int Integer(JsonElement? obj, string path, int fallback, int min)
        {
            if (!TryGet(obj, path, out var v))
                return fallback;
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var i))
            {
                Add(path, "must be an integer");
                return fallback;
            }
            if (i < min)
                Add(path, $"{i} is out of range: it must be at least {min}");
            return i;
        }

        public bool Bool(JsonElement? obj, string path, bool fallback)
        {
            if (!TryGet(obj, path, out var v))
                return fallback;
            if (v.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                Add(path, "must be true or false");
                return fallback;
            }
            return v.GetBoolean();
        }
    }
}

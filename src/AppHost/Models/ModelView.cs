using Aspire.Hosting.ApplicationModel;
using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;

namespace MlOps.AppHost.Models;

/// <summary>What the platform says about one model, gathered from Training, Registry and Monitoring.</summary>
public sealed record ModelView(string Model)
{
    public string? Dataset { get; init; }
    public int? Champion { get; init; }
    public string? Metric { get; init; }
    public double? Score { get; init; }
    public int Versions { get; init; }
    public IReadOnlyList<int> AwaitingApproval { get; init; } = [];
    /// <summary>The champion's lineage (Registry <c>GET /models/{model}/versions/{version}</c>).</summary>
    public JsonElement? Lineage { get; init; }
    /// <summary>The latest evaluated drift window (Monitoring <c>GET /models/{model}/drift</c>).</summary>
    public JsonElement? LastWindow { get; init; }
    /// <summary>The pipeline's latest run (Training <c>GET /runs?pipeline=</c>).</summary>
    public JsonElement? LastRun { get; init; }

    public bool DriftDetected =>
        LastWindow is { } w && Bool(w, "driftDetected") && (Champion is null || Int(w, "version") == Champion);

    public bool LastRunFailed => LastRun is { } r && Str(r, "status") == "failed";

    /// <summary>
    /// "champion v3 · no-drift", "champion v3 · drift-detected", "champion v3 · last-run-failed", "training", … The
    /// dashboard humanizes state text, which splits "v3" into "v 3" unless the text holds a dash; the tags keep one.
    /// </summary>
    public string StateText
    {
        get
        {
            if (Champion is not { } v)
                return LastRunFailed ? "no champion · last-run-failed"
                    : LastRun is { } r && Str(r, "status") is "queued" or "running" ? "training"
                    : Versions > 0 ? "no champion"
                    : "no version yet";
            var text = $"champion v{v} · {(DriftDetected ? "drift-detected" : "no-drift")}";
            if (LastRunFailed)
                text += " · last-run-failed";
            return text;
        }
    }

    public string StateStyle =>
        DriftDetected || LastRunFailed ? KnownResourceStateStyles.Warn
        : Champion is not null ? KnownResourceStateStyles.Success
        : KnownResourceStateStyles.Info;

    /// <summary>The properties the dashboard shows, highlighted so they are visible without asking.</summary>
    public ImmutableArray<ResourcePropertySnapshot> Properties()
    {
        var list = new List<(string Name, string Display, string? Value)>
        {
            ("mlops.model", "Model", Model),
            ("mlops.champion", "Champion", Champion is { } c ? $"v{c}" : "none"),
            ("mlops.metric", "Champion metric", Metric is null ? null : $"{Metric} {Number(Score)}"),
            ("mlops.dataset", "Dataset version", DatasetVersion()),
            ("mlops.trainer", "Trainer", Lineage is { } l ? Trainer(l) : null),
            ("mlops.drift", "Last drift share", LastWindow is { } w
                ? $"{Number(Double(w, "driftShare"))} (window {Int(w, "window")}, v{Int(w, "version")}{(Bool(w, "driftDetected") ? ", drift detected" : "")})"
                : "no window yet"),
            ("mlops.lastrun", "Last run", LastRun is { } r ? $"{Str(r, "status")} ({Str(r, "trigger")}){(Str(r, "error") is { Length: > 0 } e ? ": " + e : "")}" : "none"),
            ("mlops.versions", "Versions", Versions.ToString(CultureInfo.InvariantCulture)),
            ("mlops.awaiting", "Awaiting approval", AwaitingApproval.Count == 0 ? null : string.Join(", ", AwaitingApproval.Select(v => "v" + v))),
        };
        var order = 0;
        return [.. list.Where(p => p.Value is not null).Select(p => new ResourcePropertySnapshot(p.Name, p.Value)
        {
            DisplayName = p.Display,
            IsHighlighted = true,
            SortOrder = order++,
        })];
    }

    string? DatasetVersion()
    {
        if (Lineage is not { } l || !l.TryGetProperty("datasetVersion", out var d) || d.ValueKind != JsonValueKind.Object)
            return Dataset;
        var number = d.TryGetProperty("number", out var n) && n.ValueKind == JsonValueKind.Number ? $" v{n.GetInt32()}" : "";
        var rows = d.TryGetProperty("rows", out var r) && r.ValueKind == JsonValueKind.Number ? $" ({r.GetInt64():N0} rows)" : "";
        return $"{Str(d, "dataset")}{number}{rows}";
    }

    static string? Trainer(JsonElement lineage)
    {
        var name = Str(lineage, "trainer");
        if (!lineage.TryGetProperty("params", out var p) || p.ValueKind != JsonValueKind.Object)
            return name;
        var parameters = string.Join(", ", p.EnumerateObject().Select(x => $"{x.Name} {x.Value}"));
        return parameters.Length == 0 ? name : $"{name} ({parameters})";
    }

    static string Number(double? value) => value is { } v ? v.ToString("0.###", CultureInfo.InvariantCulture) : "?";

    internal static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    internal static int? Int(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;

    static double? Double(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    static bool Bool(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;
}

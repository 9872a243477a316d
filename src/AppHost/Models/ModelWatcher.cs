using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Logging;

namespace MlOps.AppHost.Models;

/// <summary>
/// Keeps every model's row on the dashboard current: every <see cref="Interval"/>, once Training and Registry are
/// healthy, it reads the pipelines (Training <c>GET /pipelines</c>), the models (Registry <c>GET /models</c>) and, per
/// model, the champion's lineage, the latest drift window and the latest run, and publishes a snapshot for each model
/// whose state changed.
/// </summary>
/// <remarks>
/// Polling, not a bus subscription: the HTTP APIs are the platform's stable surface (DESIGN §4) and already hold the
/// whole state (the champion's metric, dataset version and trainer; the drift share; the last run), where the events
/// carry only what changed. A poll needs no queue, binding or <c>EventTopology</c> row of the AppHost's own, misses
/// nothing while the broker or the AppHost restarts, and is at most one interval behind <c>ModelPromoted</c>,
/// <c>DriftDetected</c> or <c>TrainingFailed</c>. The polls carry a not-sampled trace context, so they leave no traces.
/// </remarks>
sealed class ModelWatcher(
    PlatformApi api,
    ResourceNotificationService notifications,
    IReadOnlyDictionary<string, ModelResource> declared,
    ModelResource runTime,
    Func<string?> registryName,
    Func<string, bool> applied,
    ILogger logger)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    /// <summary>The property the dashboard nests a row under its parent by (Aspire's <c>KnownProperties.Resource.ParentName</c>, internal).</summary>
    const string ParentNameProperty = "resource.parentName";

    // Versions are immutable: a lineage read once stays true.
    readonly ConcurrentDictionary<(string, int), JsonElement> _lineages = new();

    public async Task RunAsync(Func<string, bool> healthy, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Interval);
        string? lastProblem = null;
        do
        {
            if (!healthy("training") || !healthy("registry"))
                continue;
            try
            {
                await RefreshAsync(healthy("monitoring"), ct);
                lastProblem = null;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException && !ct.IsCancellationRequested)
            {
                // A service restarting: the rows keep their last state until it answers again.
                if (e.Message != lastProblem)
                    logger.LogInformation("Model states not refreshed: {Problem}", e.Message);
                lastProblem = e.Message;
            }
        }
        while (await timer.WaitForNextTickAsync(ct));
    }

    public async Task RefreshAsync(bool monitoring, CancellationToken ct)
    {
        var pipelines = await api.Watch("training", "/pipelines", ct);
        var models = await api.Watch("registry", "/models", ct);
        var views = new Dictionary<string, ModelView>(StringComparer.Ordinal);
        foreach (var name in declared.Keys)
            views[name] = new ModelView(name);
        foreach (var p in Items(pipelines))
            if (ModelView.Str(p, "name") is { } name)
                views[name] = (views.GetValueOrDefault(name) ?? new ModelView(name)) with { Dataset = ModelView.Str(p, "dataset") };
        foreach (var m in Items(models))
        {
            if (ModelView.Str(m, "model") is not { } name)
                continue;
            var view = views.GetValueOrDefault(name) ?? new ModelView(name);
            var champion = m.TryGetProperty("champion", out var c) && c.ValueKind == JsonValueKind.Object ? c : (JsonElement?)null;
            views[name] = view with
            {
                Champion = champion is { } ch ? ModelView.Int(ch, "version") : null,
                Metric = champion is { } ch2 ? ModelView.Str(ch2, "metric") : null,
                Score = champion is { } ch3 && ch3.TryGetProperty("score", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetDouble() : null,
                Versions = ModelView.Int(m, "versions") ?? 0,
                AwaitingApproval = m.TryGetProperty("awaitingApproval", out var a) && a.ValueKind == JsonValueKind.Array ? [.. a.EnumerateArray().Select(x => x.GetInt32())] : [],
            };
        }

        foreach (var view in views.Values)
        {
            var complete = view;
            if (view.Champion is { } version)
            {
                if (!_lineages.TryGetValue((view.Model, version), out var lineage) &&
                    await api.Watch("registry", $"/models/{view.Model}/versions/{version}", ct) is { } read)
                    _lineages[(view.Model, version)] = lineage = read;
                complete = complete with { Lineage = lineage.ValueKind == JsonValueKind.Undefined ? null : lineage };
            }
            if (monitoring && await api.Watch("monitoring", $"/models/{view.Model}/drift?limit=1", ct) is { } drift &&
                drift.TryGetProperty("windows", out var windows) && windows.GetArrayLength() > 0)
                complete = complete with { LastWindow = windows[windows.GetArrayLength() - 1].Clone() };
            if (Items(await api.Watch("training", $"/runs?pipeline={view.Model}&limit=1", ct)).FirstOrDefault() is { ValueKind: JsonValueKind.Object } run)
                complete = complete with { LastRun = run.Clone() };
            await PublishAsync(complete);
        }
    }

    async Task PublishAsync(ModelView view)
    {
        var urls = Urls(view);
        if (declared.TryGetValue(view.Model, out var resource))
        {
            // A pipeline file's row waits until the file is applied (or rejected, which the row shows already).
            if (!applied(view.Model))
                return;
            await notifications.PublishUpdateAsync(resource, s => s with
            {
                State = new ResourceStateSnapshot(view.StateText, view.StateStyle),
                Properties = Merge(s.Properties, view.Properties()),
                Urls = urls,
            });
            return;
        }
        // A model defined at run time: a row of its own under the run-time resource, its id the model's name,
        // nested under Registry like the declared ones.
        var parent = registryName();
        await notifications.PublishUpdateAsync(runTime, RunTimeRowId(view.Model), s => s with
        {
            State = new ResourceStateSnapshot(view.StateText, view.StateStyle),
            Properties = Merge(parent is null ? s.Properties : SetProperty(s.Properties, ParentNameProperty, parent), view.Properties()),
            Urls = urls,
            IsHidden = false,
        });
    }

    /// <summary>The row id of a model defined at run time: its name, unless a resource of the app model has that name.</summary>
    public string RunTimeRowId(string model) =>
        notifications.TryGetCurrentState(model, out var e) && e.Resource != runTime ? "model-" + model : model;

    ImmutableArray<UrlSnapshot> Urls(ModelView view)
    {
        var urls = new List<UrlSnapshot>();
        if (view.Champion is { } v)
            urls.Add(new UrlSnapshot("lineage", api.Url("registry", $"/models/{view.Model}/versions/{v}").ToString(), IsInternal: false)
            { DisplayProperties = new UrlDisplayPropertiesSnapshot($"Lineage of v{v}", 1) });
        if (view.LastWindow is not null)
            urls.Add(new UrlSnapshot("drift", api.Url("monitoring", $"/models/{view.Model}/drift/report").ToString(), IsInternal: false)
            { DisplayProperties = new UrlDisplayPropertiesSnapshot("Drift report", 2) });
        urls.Add(new UrlSnapshot("runs", api.Url("training", $"/runs?pipeline={view.Model}").ToString(), IsInternal: false)
        { DisplayProperties = new UrlDisplayPropertiesSnapshot("Runs", 3) });
        return [.. urls];
    }

    static IEnumerable<JsonElement> Items(JsonElement? array) =>
        array is { ValueKind: JsonValueKind.Array } a ? a.EnumerateArray() : [];

    /// <summary>The properties with <paramref name="updates"/> set by name (the others kept: the orchestrator's own).</summary>
    internal static ImmutableArray<ResourcePropertySnapshot> Merge(ImmutableArray<ResourcePropertySnapshot> properties, IEnumerable<ResourcePropertySnapshot> updates)
    {
        var updated = updates.ToList();
        var names = updated.Select(u => u.Name).ToHashSet();
        return [.. properties.Where(p => !names.Contains(p.Name) && !(p.Name.StartsWith("mlops.", StringComparison.Ordinal) && IsModelProperty(p.Name))), .. updated];
    }

    static bool IsModelProperty(string name) => name is "mlops.model" or "mlops.champion" or "mlops.metric" or "mlops.dataset" or "mlops.trainer"
        or "mlops.drift" or "mlops.lastrun" or "mlops.versions" or "mlops.awaiting";

    internal static ImmutableArray<ResourcePropertySnapshot> SetProperty(ImmutableArray<ResourcePropertySnapshot> properties, string name, object? value) =>
        [.. properties.Where(p => p.Name != name), new ResourcePropertySnapshot(name, value)];
}

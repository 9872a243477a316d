using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MlOps.AppHost.Models;

/// <summary>
/// The ML on the dashboard: a resource per model under Registry (state, properties, links, commands), the services'
/// parked-message counts and replay commands, the ingest command, the pipelines applied from files, and the demo.
/// Services are added one by one (<see cref="Service"/>), then <see cref="Build"/> adds the rest.
/// </summary>
public sealed partial class OpsConsole
{
    public const string Section = "AppHost";

    readonly IDistributedApplicationBuilder _builder;
    readonly PlatformSettings _settings;
    readonly IResourceBuilder<ParameterResource> _apiKey;
    readonly PlatformApi _api;
    readonly OpsAudit _audit;
    readonly Dictionary<string, IResourceBuilder<ExecutableResource>> _services = new(StringComparer.Ordinal);
    readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _applied = new(StringComparer.Ordinal);

    internal OpsConsole(IDistributedApplicationBuilder builder, PlatformSettings settings, string apiKey, IResourceBuilder<ParameterResource> apiKeyParameter)
    {
        _builder = builder;
        _settings = settings;
        _apiKey = apiKeyParameter;
        _api = new PlatformApi(apiKey);
        _audit = new OpsAudit(settings.StateDir, TimeProvider.System);
        var section = builder.Configuration.GetSection(Section);
        var repo = PlatformSettings.RepoRoot(builder.AppHostDirectory);
        PipelinesFolder = Path.GetFullPath(section["Pipelines"] is { Length: > 0 } p ? p : Path.Combine(repo, "pipelines"));
        DemoData = Path.GetFullPath(section["DemoData"] is { Length: > 0 } d ? d : Path.Combine(repo, "..", "shared", "data"));
        if (!Directory.Exists(DemoData) && section["DemoData"] is null)
            DemoData = Path.Combine(repo, "tests", "data");
    }

    /// <summary><c>AppHost:Pipelines</c>: the folder of pipeline files applied at start.</summary>
    public string PipelinesFolder { get; }

    /// <summary><c>AppHost:DemoData</c>: the folder the ingest command and the demo read (default <c>../shared/data</c> beside the repository).</summary>
    public string DemoData { get; }

    public void Service(string name, int port, IResourceBuilder<ExecutableResource> service)
    {
        _api.Add(name, port);
        _services[name] = service.WithReplayCommand(name, _api, _audit);
        if (name == "ingestion")
            service.WithIngestCommand(DemoData, _api, _audit);
    }

    public void Build()
    {
        var registry = _services["registry"];
        var files = PipelineFiles.Read(PipelinesFolder);
        var declared = new Dictionary<string, ModelResource>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var name = ResourceName(file.Name);
            if (_builder.Resources.Any(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase)))
                name = ResourceName("model-" + file.Name);
            var model = _builder.AddResource(new ModelResource(name, file.Name))
                .WithInitialState(InitialState(hidden: false))
                .WithIconName("BrainCircuit")
                .WithParentRelationship(registry)
                .WithModelCommands(_api, _audit);
            declared[file.Name] = model.Resource;
        }
        // Rows for models defined at run time hang off this one (hidden itself: the rows are the models).
        var runTime = _builder.AddResource(new ModelResource(ModelResource.RunTimeName, null))
            .WithInitialState(InitialState(hidden: true))
            .WithIconName("BrainCircuit")
            .WithParentRelationship(registry)
            .WithModelCommands(_api, _audit);

        this.AddDemo(files);

        _builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
        {
            var services = e.Services;
            var stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            var notifications = services.GetRequiredService<ResourceNotificationService>();
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("MlOps.AppHost.OpsConsole");
            var resourceLogs = services.GetRequiredService<ResourceLoggerService>();
            // States are kept by resource id, which is not always the name (the orchestrator may add a suffix, as it does
            // when a service has replicas): look the id up on the resource.
            var ids = new System.Collections.Concurrent.ConcurrentDictionary<string, string>(StringComparer.Ordinal);
            Run(async () =>
            {
                await foreach (var e in notifications.WatchAsync(stopping))
                {
                    if (_services.TryGetValue(e.Resource.Name, out var service) && service.Resource == e.Resource)
                        ids[e.Resource.Name] = e.ResourceId;
                }
            }, logger, stopping);
            string Id(string name) => ids.GetValueOrDefault(name, name);
            bool Healthy(string name) =>
                notifications.TryGetCurrentState(Id(name), out var s) && s.Snapshot.State?.Text == KnownResourceStates.Running && s.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy;
            string? RegistryId() => notifications.TryGetCurrentState(Id("registry"), out var s) ? s.ResourceId : null;

            var watcher = new ModelWatcher(_api, notifications, declared, runTime.Resource, RegistryId, name => _applied.ContainsKey(name), logger);
            var parked = new ParkedMessages(_api, notifications, _services.ToDictionary(s => s.Key, s => (IResource)s.Value.Resource), logger);
            Run(() => ApplyPipelinesAsync(files, declared, Healthy, notifications, resourceLogs, logger, stopping), logger, stopping);
            Run(() => watcher.RunAsync(Healthy, stopping), logger, stopping);
            Run(() => parked.RunAsync(Healthy, stopping), logger, stopping);
            return Task.CompletedTask;
        });
    }

    internal IDistributedApplicationBuilder Builder => _builder;
    internal PlatformSettings Settings => _settings;
    internal IResourceBuilder<ParameterResource> ApiKey => _apiKey;
    internal IReadOnlyDictionary<string, IResourceBuilder<ExecutableResource>> Services => _services;
    internal PlatformApi Api => _api;

    public const string WaitingState = "waiting for the platform";

    static CustomResourceSnapshot InitialState(bool hidden) => new()
    {
        ResourceType = ModelResource.ResourceType,
        State = new ResourceStateSnapshot(WaitingState, KnownResourceStateStyles.Info),
        Properties = [],
        IsHidden = hidden,
    };

    /// <summary>
    /// Applies each pipeline file once Training is healthy (<c>PUT /pipelines/{name}</c>: an unchanged definition changes
    /// nothing). A definition Training rejects is shown on the model's row with Training's reasons.
    /// </summary>
    async Task ApplyPipelinesAsync(IReadOnlyList<PipelineFile> files, IReadOnlyDictionary<string, ModelResource> declared, Func<string, bool> healthy,
        ResourceNotificationService notifications, ResourceLoggerService resourceLogs, ILogger logger, CancellationToken ct)
    {
        var pending = files.ToList();
        while (pending.Count > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            if (!healthy("training"))
                continue;
            foreach (var file in pending.ToList())
            {
                var resource = declared[file.Name];
                var log = resourceLogs.GetLogger(resource);
                try
                {
                    using var content = new StringContent(file.Definition.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
                    var answer = await _api.Act(HttpMethod.Put, "training", $"/pipelines/{file.Name}", content, ct, quiet: true);
                    log.LogInformation("Pipeline {Pipeline} applied from {File}: revision {Revision}, definition {Hash}", file.Name, file.Path,
                        ModelView.Int(answer, "revision"), ModelView.Str(answer, "definitionHash"));
                    pending.Remove(file);
                    _applied[file.Name] = true;
                }
                catch (PlatformApiException e) when (e.Status is >= 400 and < 500)
                {
                    log.LogError("Pipeline file {File} was rejected: {Problem}", file.Path, e.Message);
                    await notifications.PublishUpdateAsync(resource, s => s with { State = new ResourceStateSnapshot("pipeline rejected", KnownResourceStateStyles.Error) });
                    pending.Remove(file);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
                {
                    // Unreachable or too slow to answer (the client's timeout): tried again, as the other watchers do.
                    logger.LogDebug(e, "Pipeline {Pipeline} not applied yet", file.Name);
                }
            }
        }
    }

    static void Run(Func<Task> loop, ILogger logger, CancellationToken stopping) => _ = Task.Run(async () =>
    {
        try
        {
            await loop();
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogError(e, "An ops console loop stopped");
        }
    });

    [GeneratedRegex("[^A-Za-z0-9-]+")]
    private static partial Regex NotAllowed();

    /// <summary>The model's name as an Aspire resource name (letters, digits and single hyphens, starting with a letter).</summary>
    internal static string ResourceName(string model)
    {
        var name = NotAllowed().Replace(model, "-").Trim('-');
        while (name.Contains("--", StringComparison.Ordinal))
            name = name.Replace("--", "-", StringComparison.Ordinal);
        if (name.Length == 0 || !char.IsAsciiLetter(name[0]) || name is "models")
            name = "model-" + name;
        return name.Length > 64 ? name[..64].TrimEnd('-') : name;
    }
}

public static class OpsConsoleExtensions
{
    public static OpsConsole AddOpsConsole(this IDistributedApplicationBuilder builder, PlatformSettings settings, string apiKey, IResourceBuilder<ParameterResource> apiKeyParameter) =>
        new(builder, settings, apiKey, apiKeyParameter);
}

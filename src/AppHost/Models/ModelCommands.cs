using System.Globalization;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace MlOps.AppHost.Models;

/// <summary>
/// The dashboard's commands on a model: retrain its pipeline now, promote a chosen version, roll back to the previous
/// champion. Each asks for confirmation; promote and roll back ask for a reason (and promote for the version), which
/// the Registry writes to its audit log with the operator's name.
/// </summary>
static class ModelCommands
{
    public const string Retrain = "mlops-retrain";
    public const string Promote = "mlops-promote";
    public const string Rollback = "mlops-rollback";

    public static IResourceBuilder<ModelResource> WithModelCommands(this IResourceBuilder<ModelResource> builder, PlatformApi api, OpsAudit audit)
    {
        var about = builder.Resource.Model is { } m ? $"model '{m}'" : "this model";
        builder.WithCommand(Retrain, "Retrain now", c => RetrainAsync(c, builder.Resource, api, audit), new CommandOptions
        {
            Description = "Start a training run of the model's pipeline now (Training POST /pipelines/{name}/runs).",
            ConfirmationMessage = $"Start a training run of {about} now? The new version goes through the promotion gate.",
            IconName = "ArrowSync",
            UpdateState = Enabled,
        });
        builder.WithCommand(Promote, "Promote a version…", c => PromoteAsync(c, builder.Resource, api, audit), new CommandOptions
        {
            Description = "Make a chosen version the champion, with a reason for the Registry's audit log.",
            ConfirmationMessage = $"Move the champion of {about} to another version? Serving swaps it in at once.",
            IconName = "ArrowUp",
            UpdateState = Enabled,
            Arguments =
            [
                new InteractionInput { Name = "version", Label = "Version", InputType = InputType.Number, Required = true, Placeholder = "3" },
                new InteractionInput { Name = "reason", Label = "Reason (kept in the audit log)", InputType = InputType.Text, Required = true, MaxLength = 2000 },
            ],
        });
        builder.WithCommand(Rollback, "Roll back…", c => RollbackAsync(c, builder.Resource, api, audit), new CommandOptions
        {
            Description = "Make the previous champion the champion again, with a reason for the Registry's audit log.",
            ConfirmationMessage = $"Roll {about} back to its previous champion? Serving swaps it in at once.",
            IconName = "ArrowUndo",
            UpdateState = Enabled,
            Arguments =
            [
                new InteractionInput { Name = "reason", Label = "Reason (kept in the audit log)", InputType = InputType.Text, Required = true, MaxLength = 2000 },
            ],
        });
        return builder;
    }

    // A model's commands work once the platform has said something about it (its row has left the waiting state).
    static ResourceCommandState Enabled(UpdateCommandStateContext c) =>
        c.ResourceSnapshot.State?.Text is { } s && s != OpsConsole.WaitingState ? ResourceCommandState.Enabled : ResourceCommandState.Disabled;

    static async Task<ExecuteCommandResult> RetrainAsync(ExecuteCommandContext c, ModelResource resource, PlatformApi api, OpsAudit audit)
    {
        var model = resource.ModelOf(c.ResourceName);
        try
        {
            var run = await api.Act(HttpMethod.Post, "training", $"/pipelines/{model}/runs", content: null, c.CancellationToken);
            var id = ModelView.Str(run, "runId");
            var joined = run.TryGetProperty("coalesced", out var co) && co.ValueKind == JsonValueKind.True;
            audit.Record(c.Logger, model, "retrain", $"run {id}{(joined ? " (joined the queued run)" : "")}", api.User);
            return CommandResults.Success($"Run {id} of {model} {(joined ? "was already queued" : "queued")}.");
        }
        catch (HttpRequestException e)
        {
            return CommandResults.Failure(e.Message);
        }
    }

    static async Task<ExecuteCommandResult> PromoteAsync(ExecuteCommandContext c, ModelResource resource, PlatformApi api, OpsAudit audit)
    {
        var model = resource.ModelOf(c.ResourceName);
        var version = c.Arguments.GetString("version");
        var reason = c.Arguments.GetString("reason");
        if (!int.TryParse(version, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || v < 1)
            return CommandResults.Failure($"'{version}' is not a version number.");
        if (string.IsNullOrWhiteSpace(reason))
            return CommandResults.Failure("A reason is required: the Registry keeps it in the audit log.");
        return await MoveChampionAsync(c, model, v, reason, "promote", api, audit);
    }

    static async Task<ExecuteCommandResult> RollbackAsync(ExecuteCommandContext c, ModelResource resource, PlatformApi api, OpsAudit audit)
    {
        var model = resource.ModelOf(c.ResourceName);
        var reason = c.Arguments.GetString("reason");
        if (string.IsNullOrWhiteSpace(reason))
            return CommandResults.Failure("A reason is required: the Registry keeps it in the audit log.");
        try
        {
            var previous = await PreviousChampionAsync(api, model, c.CancellationToken);
            return previous is { } v
                ? await MoveChampionAsync(c, model, v, reason, "rollback", api, audit)
                : CommandResults.Failure($"{model} has had no other champion to roll back to.");
        }
        catch (HttpRequestException e)
        {
            return CommandResults.Failure(e.Message);
        }
    }

    /// <summary>The champion before the current one: the version the latest alias move to the current champion came from.</summary>
    internal static async Task<int?> PreviousChampionAsync(PlatformApi api, string model, CancellationToken ct)
    {
        var m = await api.Watch("registry", $"/models/{model}", ct);
        if (m is not { } found || !found.TryGetProperty("champion", out var champion) || champion.ValueKind != JsonValueKind.Object)
            return null;
        var current = champion.GetProperty("version").GetInt32();
        var log = await api.Watch("registry", $"/models/{model}/audit", ct);
        return log is { ValueKind: JsonValueKind.Array } entries
            ? entries.EnumerateArray().Reverse()
                .Where(e => ModelView.Int(e, "to") == current && ModelView.Int(e, "from") is { } from && from != current)
                .Select(e => ModelView.Int(e, "from")).FirstOrDefault()
            : null;
    }

    static async Task<ExecuteCommandResult> MoveChampionAsync(ExecuteCommandContext c, string model, int version, string reason, string action, PlatformApi api, OpsAudit audit)
    {
        try
        {
            var moved = await api.Act(HttpMethod.Post, "registry", $"/models/{model}/aliases/champion", new { version, reason = reason.Trim() }, c.CancellationToken);
            if (moved.TryGetProperty("changed", out var changed) && changed.ValueKind == JsonValueKind.False)
                return CommandResults.Success($"v{version} is already the champion of {model}: nothing changed.");
            var previous = ModelView.Int(moved, "previousVersion");
            audit.Record(c.Logger, model, action, $"champion v{previous} → v{version}: {reason.Trim()}", api.User);
            return CommandResults.Success($"v{version} is the champion of {model} (was v{previous}); the Registry's audit log records it.");
        }
        catch (HttpRequestException e)
        {
            return CommandResults.Failure(e.Message);
        }
    }
}

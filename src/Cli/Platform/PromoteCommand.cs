using System.CommandLine;
using System.Text.Json.Nodes;

namespace MlOps.Cli.Platform;

/// <summary>
/// <c>mlops promote MODEL VERSION --reason TEXT</c>: moves the champion alias (Registry
/// <c>POST /models/{model}/aliases/champion</c>) as the OS user; rolls back, or approves a candidate awaiting approval.
/// </summary>
internal static class PromoteCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Argument<string>("model") { Description = "The model." };
        var version = new Argument<int>("version") { Description = "The version to make champion." };
        var reason = new Option<string>("--reason") { Description = "Why: written to the model's audit log.", Required = true };
        var json = PlatformCommand.JsonOption();
        var command = new Command("promote", "Make a version the champion (promote, roll back, or approve a waiting candidate); audited with your user name.") { model, version, reason, json };
        PlatformCommand.SetAction(command, context, async run =>
        {
            var name = run.Get(model);
            var body = new JsonObject { ["version"] = run.Get(version), ["reason"] = run.Get(reason) };
            var moved = await run.Client.SendJsonAsync(PlatformService.Registry, HttpMethod.Post, $"models/{PlatformCommand.Segment(name)}/aliases/champion", body,
                new Dictionary<string, string> { ["X-User"] = run.Context.UserName }, run.Cancellation);
            if (run.Get(json))
                Output.Json(run.Out, moved);
            else if (moved?["changed"] is JsonValue c && c.TryGetValue<bool>(out var changed) && !changed)
                run.Out.WriteLine($"{name} v{run.Get(version)} is already the champion; nothing changed.");
            else
            {
                var previous = moved?["previousVersion"] is { } p ? "v" + Output.Cell(p) : "none";
                var audit = moved?["audit"];
                run.Out.WriteLine($"{name}: champion {previous} -> v{run.Get(version)} ({Output.Cell(audit?["action"])} by {Output.Cell(audit?["who"])}: {Output.Cell(audit?["reason"])})");
            }
            return 0;
        });
        return command;
    }
}

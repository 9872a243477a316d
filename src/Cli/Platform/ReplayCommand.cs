using System.CommandLine;
using System.Text.Json.Nodes;

namespace MlOps.Cli.Platform;

/// <summary>
/// <c>mlops replay SERVICE</c>: moves the messages parked in each of the service's error queues back to their endpoint
/// (<c>GET /admin/error-queues</c>, then <c>POST /admin/error-queues/{queue}/replay</c> for each queue holding any).
/// </summary>
internal static class ReplayCommand
{
    public static Command Create(CliContext context)
    {
        var service = new Argument<string>("service") { Description = "ingestion, validation, training, registry, serving or monitoring." };
        var json = PlatformCommand.JsonOption();
        var command = new Command("replay", "Replay the messages parked in a service's error queues, once their cause is fixed.") { service, json };
        PlatformCommand.SetAction(command, context, async run =>
        {
            var s = PlatformService.Parse(run.Get(service));
            var queues = await run.Client.GetJsonAsync(s, "admin/error-queues", run.Cancellation);
            var results = new JsonArray();
            foreach (var q in Output.Items(queues))
            {
                var name = Output.Cell(q["queue"]);
                var waiting = q["messages"] is JsonValue m && m.TryGetValue<long>(out var n) ? n : 0;
                long replayed = 0;
                if (waiting > 0)
                {
                    var answer = await run.Client.SendJsonAsync(s, HttpMethod.Post, $"admin/error-queues/{PlatformCommand.Segment(name)}/replay", null, ct: run.Cancellation);
                    replayed = answer?["replayed"] is JsonValue r && r.TryGetValue<long>(out var count) ? count : 0;
                }
                results.Add(new JsonObject { ["queue"] = name, ["errorQueue"] = q["errorQueue"]?.DeepClone(), ["waiting"] = waiting, ["replayed"] = replayed });
            }
            if (run.Get(json))
                Output.Json(run.Out, results);
            else
                Output.Table(run.Out, ["QUEUE", "WAITING", "REPLAYED"], results.Select(r => new[] { Output.Cell(r!["queue"]), Output.Cell(r["waiting"]), Output.Cell(r["replayed"]) }));
            run.Error.WriteLine($"{results.Sum(r => (long)r!["replayed"]!)} message(s) replayed on {s.Name}");
            return 0;
        });
        return command;
    }
}

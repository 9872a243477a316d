using System.CommandLine;
using System.Text.Json.Nodes;

namespace MlOps.Cli.Platform;

/// <summary><c>mlops status [SERVICE…]</c>: each service's /health; non-zero when any is not healthy or not reachable.</summary>
internal static class StatusCommand
{
    public static Command Create(CliContext context)
    {
        var services = new Argument<string[]>("service") { Description = "Services to check (default: all six).", Arity = ArgumentArity.ZeroOrMore };
        var json = PlatformCommand.JsonOption();
        var command = new Command("status", "Show each platform service's health; exits non-zero unless all are healthy.") { services, json };
        PlatformCommand.SetAction(command, context, async run =>
        {
            var names = run.Get(services) ?? [];
            var which = names.Length == 0 ? PlatformService.All : names.Select(PlatformService.Parse).Distinct().ToList();
            var results = await Task.WhenAll(which.Select(s => CheckAsync(run, s)));
            if (run.Get(json))
                Output.Json(run.Out, new JsonArray(results.Select(r => (JsonNode)r.ToJson()).ToArray()));
            else
                Output.Table(run.Out, ["SERVICE", "URL", "STATUS", "DETAIL"], results.Select(r => new[] { r.Service.Name, r.Url, r.Status, r.Detail }));
            var down = results.Where(r => r.Status != "Healthy").ToList();
            if (down.Count == 0)
                return 0;
            foreach (var r in down)
                run.Error.WriteLine($"error: {r.Message ?? $"{r.Service.Name} at {r.Url} is {r.Status.ToLowerInvariant()}: {r.Detail}"}");
            return 1;
        });
        return command;
    }

    /// <param name="Message">The full error for standard error when it says more than the table's detail.</param>
    sealed record Health(PlatformService Service, string Url, string Status, string Detail, JsonNode? Checks, string? Message = null)
    {
        public JsonObject ToJson() => new()
        {
            ["service"] = Service.Name.ToLowerInvariant(),
            ["url"] = Url,
            ["status"] = Status,
            ["healthy"] = Status == "Healthy",
            ["detail"] = Message ?? Detail,
            ["checks"] = Checks?.DeepClone(),
        };
    }

    static async Task<Health> CheckAsync(Invocation run, PlatformService service)
    {
        string url;
        try { url = run.Context.AddressOf(service).ToString().TrimEnd('/'); }
        catch (CliException e) { return new Health(service, "?", "Misconfigured", e.Message, null, e.Message); }
        try
        {
            // /health answers 503 with the same JSON breakdown when a dependency is down: read it either way.
            using var response = await run.Client.SendAnyStatusAsync(service, HttpMethod.Get, "health", ct: run.Cancellation);
            var text = await response.Content.ReadAsStringAsync(run.Cancellation);
            JsonNode? body = null;
            try { body = text.Length > 0 ? JsonNode.Parse(text) : null; }
            catch (System.Text.Json.JsonException) { }
            var status = body?["status"] is JsonValue s ? Output.Cell(s) : response.IsSuccessStatusCode ? "Healthy" : "Unhealthy";
            if (!response.IsSuccessStatusCode && status == "Healthy")
                status = "Unhealthy";
            var failing = body?["checks"] is JsonObject checks
                ? string.Join("; ", checks.Where(c => Output.Cell(c.Value?["status"]) != "Healthy")
                    .Select(c => $"{c.Key}: {Output.Cell(c.Value?["status"])}{(c.Value?["description"] is { } d ? " (" + Output.Cell(d) + ")" : "")}"))
                : "";
            if (status != "Healthy" && failing.Length == 0)
                failing = $"GET /health answered {(int)response.StatusCode}";
            return new Health(service, url, status, failing, body?["checks"]);
        }
        catch (PlatformException e)
        {
            return new Health(service, url, "Unreachable", "not reachable", null, e.Message);
        }
    }
}

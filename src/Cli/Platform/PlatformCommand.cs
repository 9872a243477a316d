using System.CommandLine;

namespace MlOps.Cli.Platform;

/// <summary>What every platform command shares: the --json option and one <see cref="PlatformClient"/> per invocation.</summary>
internal static class PlatformCommand
{
    public static Option<bool> JsonOption() => new("--json") { Description = "Write only JSON to standard output (messages and progress go to standard error)." };

    public static void SetAction(Command command, CliContext context, Func<Invocation, Task<int>> action) =>
        command.SetAction(async (parse, ct) =>
        {
            using var client = new PlatformClient(context);
            return await action(new Invocation(parse, client, context, ct));
        });

    /// <summary>A name as one URL path segment.</summary>
    public static string Segment(string name) => Uri.EscapeDataString(name);
}

internal sealed record Invocation(ParseResult Parse, PlatformClient Client, CliContext Context, CancellationToken Cancellation)
{
    public TextWriter Out => Parse.InvocationConfiguration.Output;
    public TextWriter Error => Parse.InvocationConfiguration.Error;
    public T Get<T>(Option<T> option) => Parse.GetValue(option)!;
    public T Get<T>(Argument<T> argument) => Parse.GetValue(argument)!;
}

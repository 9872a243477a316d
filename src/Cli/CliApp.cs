using System.CommandLine;
using MlOps.Cli.Platform;

namespace MlOps.Cli;

/// <summary>
/// The <c>mlops</c> command. Entry logic takes its writers (and, for platform commands, a <see cref="CliContext"/>) as
/// arguments so tests run it in-process.
/// Exit codes: 0 success, 1 bad input or failure (the message names the problem), 2 bad command line.
/// </summary>
public static class CliApp
{
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default) =>
        RunAsync(args, output, error, CliContext.FromProcess(), cancellationToken);

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CliContext context, CancellationToken cancellationToken = default)
    {
        // The ML.NET trainer family (lightgbm, lbfgs) beside the own engine's.
        Learning.MLNet.MlNetTrainerFamily.Register();
        var root = new RootCommand("mlops: train and use models from a terminal, and operate the platform.")
        {
            TrainCommand.Create(),
            PredictCommand.Create(context),
            ExportCommand.Create(context),
            StatusCommand.Create(context),
            ApplyCommand.Create(context),
            IngestCommand.Create(context),
            RunsCommand.Create(context),
            ModelsCommand.Create(context),
            LineageCommand.Create(context),
            PromoteCommand.Create(context),
            DriftCommand.Create(context),
            ReplayCommand.Create(context),
            DemoCommand.Create(context),
        };
        var parse = root.Parse(args);
        var config = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) await error.WriteLineAsync($"error: {e.Message}");
            return 2;
        }
        try
        {
            return await parse.InvokeAsync(config, cancellationToken);
        }
        catch (Exception e) when (e is CliException or PlatformException or IOException or InvalidDataException or ArgumentException
                                      or Learning.Trainers.TrainingDataException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
    }
}

/// <summary>A user error with a message that says what to fix.</summary>
public sealed class CliException(string message) : Exception(message);

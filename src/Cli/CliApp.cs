using System.CommandLine;

namespace MlOps.Cli;

/// <summary>
/// The <c>mlops</c> command. Entry logic takes its writers as arguments so tests run it in-process.
/// Exit codes: 0 success, 1 bad input or failure (the message names the problem), 2 bad command line.
/// </summary>
public static class CliApp
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        // The ML.NET trainer family (lightgbm, lbfgs) beside the own engine's.
        Learning.MLNet.MlNetTrainerFamily.Register();
        var root = new RootCommand("mlops: train and use models from a terminal.")
        {
            TrainCommand.Create(),
            PredictCommand.Create(),
            ExportCommand.Create(),
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
        catch (Exception e) when (e is CliException or IOException or InvalidDataException or ArgumentException
                                      or Learning.Trainers.TrainingDataException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
    }
}

/// <summary>A user error with a message that says what to fix.</summary>
public sealed class CliException(string message) : Exception(message);

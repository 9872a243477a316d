return await MlOps.Cli.CliApp.RunAsync(args, Console.Out, Console.Error);

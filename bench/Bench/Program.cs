using MlOps.Bench;

// Usage: Bench learning --data FILE [--train-rows 800000] [--threads 2]
// Prints one JSON line per measured engine/model, for bench/python/compare.py.
var options = Args.Parse(args);
if (options.Command != "learning")
{
    Console.Error.WriteLine("usage: Bench learning --data FILE [--train-rows N] [--threads N]");
    return 2;
}
LearningBenchmark.Run(options.Data, options.TrainRows, options.Threads, Console.Out);
return 0;

internal sealed record Args(string Command, string Data, int TrainRows, int Threads)
{
    public static Args Parse(string[] args)
    {
        string command = args.Length > 0 ? args[0] : "", data = "/tmp/mlops-bench/synthetic.bin";
        int trainRows = 800_000, threads = 2;
        for (var i = 1; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--data": data = args[i + 1]; break;
                case "--train-rows": trainRows = int.Parse(args[i + 1]); break;
                case "--threads": threads = int.Parse(args[i + 1]); break;
            }
        }
        return new Args(command, data, trainRows, threads);
    }
}

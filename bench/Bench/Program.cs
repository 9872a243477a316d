using MlOps.Bench;

// Usage: Bench learning --data FILE [--train-rows 800000] [--threads 2]
//        Bench latency --train TRAIN.csv --test TEST.csv [--threads 2]
//        Bench drift --data FILE [--rounds 5] [--threads 2]
// Prints one JSON line per measured engine/model, for bench/python/compare.py and families_compare.py.
var options = Args.Parse(args);
switch (options.Command)
{
    case "learning":
        LearningBenchmark.Run(options.Data, options.TrainRows, options.Threads, Console.Out);
        return 0;
    case "latency":
        LatencyBenchmark.Run(options.Train, options.Test, options.Threads, Console.Out);
        return 0;
    case "drift":
        DriftBenchmark.Run(options.Data, options.Rounds, options.Threads, Console.Out);
        return 0;
    default:
        Console.Error.WriteLine("usage: Bench learning --data FILE [--train-rows N] [--threads N] | Bench latency --train CSV --test CSV [--threads N] | Bench drift --data FILE [--rounds N] [--threads N]");
        return 2;
}

internal sealed record Args(string Command, string Data, int TrainRows, int Threads, string Train = "", string Test = "", int Rounds = 5)
{
    public static Args Parse(string[] args)
    {
        string command = args.Length > 0 ? args[0] : "", data = "/tmp/mlops-bench/synthetic.bin", train = "", test = "";
        int trainRows = 800_000, threads = 2, rounds = 5;
        for (var i = 1; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--data": data = args[i + 1]; break;
                case "--train-rows": trainRows = int.Parse(args[i + 1]); break;
                case "--threads": threads = int.Parse(args[i + 1]); break;
                case "--train": train = args[i + 1]; break;
                case "--test": test = args[i + 1]; break;
                case "--rounds": rounds = int.Parse(args[i + 1]); break;
            }
        }
        return new Args(command, data, trainRows, threads, train, test, rounds);
    }
}

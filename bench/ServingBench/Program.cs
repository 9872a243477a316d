using System.Globalization;
using MassTransit;
using MlOps.Contracts;
using MlOps.Learning;
using MlOps.Learning.Artifacts;
using MlOps.Learning.Data;
using MlOps.Learning.Trainers;
using MlOps.ServiceDefaults.Blobs;
using MlOps.ServiceDefaults.Messaging;
using Npgsql;

// The serving benchmark's helper (bench/serving.sh): puts models into the blob store and promotes them as the
// Registry would, so Serving can be measured alone.
//   ServingBench prepare --blobs CS --data seattle-weather.csv --count 3 --trees 100   → one artifact hash per line
//   ServingBench promote --messaging CS --model NAME --hashes H1,H2 --version 1 [--every 1s --for 12s]
var o = Options.Parse(args);
switch (o.Command)
{
    case "prepare":
        await using (var data = NpgsqlDataSource.Create(o.Get("blobs")))
        {
            var store = new PostgresBlobStore(data);
            var frame = TabularFrame.ReadCsv(File.OpenRead(o.Get("data")), CsvReadOptions.Default);
            for (var i = 0; i < int.Parse(o.Get("count", "3"), CultureInfo.InvariantCulture); i++)
            {
                var model = Trainer.Train(frame, new TrainingSpec
                {
                    Target = "weather", Task = TaskKind.Multiclass, Exclude = ["date"], Seed = 42 + i,
                    Parameters = new Dictionary<string, string> { ["trees"] = o.Get("trees", "100"), ["rowFraction"] = "0.8" },
                });
                Console.WriteLine((await store.PutAsync(new MemoryStream(ModelArtifact.ToBytes(model)))).Key);
            }
        }
        return 0;
    case "promote":
        var endpoint = RabbitMqEndpoint.Parse(o.Get("messaging"));
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(endpoint.Host, endpoint.Port, endpoint.VirtualHost, h =>
        {
            h.Username(endpoint.Username);
            h.Password(endpoint.Password);
            h.PublisherConfirmation = true;
        }));
        await bus.StartAsync();
        try
        {
            var hashes = o.Get("hashes").Split(',');
            var version = int.Parse(o.Get("version", "1"), CultureInfo.InvariantCulture);
            var every = TimeSpan.Parse(o.Get("every", "00:00:00"), CultureInfo.InvariantCulture);
            var until = DateTime.UtcNow + TimeSpan.Parse(o.Get("for", "00:00:00"), CultureInfo.InvariantCulture);
            Console.Error.WriteLine("ready");
            do
            {
                await bus.Publish(new ModelPromoted(o.Get("model"), version, version > 1 ? version - 1 : null, hashes[(version - 1) % hashes.Length], "benchmark", null, [],
                    Guid.NewGuid(), DateTimeOffset.UtcNow, "bench"));
                Console.WriteLine($"promoted v{version}");
                version++;
                if (every > TimeSpan.Zero) await Task.Delay(every);
            } while (every > TimeSpan.Zero && DateTime.UtcNow < until);
        }
        finally
        {
            await bus.StopAsync();
        }
        return 0;
    default:
        Console.Error.WriteLine("usage: ServingBench prepare --blobs CS --data CSV [--count 3] [--trees 100] | promote --messaging CS --model NAME --hashes H1,H2 [--version 1] [--every 00:00:01 --for 00:00:12]");
        return 2;
}

sealed record Options(string Command, Dictionary<string, string> Values)
{
    public static Options Parse(string[] args)
    {
        var values = new Dictionary<string, string>();
        for (var i = 1; i + 1 < args.Length; i += 2)
            values[args[i].TrimStart('-')] = args[i + 1];
        return new Options(args.Length > 0 ? args[0] : "", values);
    }

    public string Get(string name, string? fallback = null) =>
        Values.TryGetValue(name, out var v) ? v : fallback ?? throw new ArgumentException($"--{name} is required");
}

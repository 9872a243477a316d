using System.Text;
using MlOps.Learning;
using MlOps.Learning.Data;
using MlOps.Learning.Trainers;
using MlOps.Serving.Models;

namespace MlOps.Tests.Unit.Serving;

/// <summary>Small models trained in process: one column of each input type, a classifier and a regressor.</summary>
static class TestModels
{
    static readonly Lazy<TrainedModel> Classifier = new(() => Train(TaskKind.Binary, "label"));
    static readonly Lazy<TrainedModel> Regressor = new(() => Train(TaskKind.Regression, "amount"));

    public static LoadedModel Binary(string name = "m", int version = 1) => new(name, version, "sha256:" + new string('a', 64), Classifier.Value);

    public static LoadedModel Regression(string name = "r", int version = 1) => new(name, version, "sha256:" + new string('b', 64), Regressor.Value);

    static TrainedModel Train(TaskKind task, string target)
    {
        var csv = new StringBuilder("num,flag,colour,when,amount,label\n");
        var random = new Random(7);
        string[] colours = ["red", "green", "blue"];
        for (var i = 0; i < 200; i++)
        {
            var num = random.NextDouble() * 10;
            var flag = random.Next(2) == 1;
            var colour = colours[random.Next(3)];
            var when = new DateTime(2020, 1, 1).AddDays(random.Next(700)).ToString("yyyy-MM-dd");
            var amount = num * 2 + (flag ? 3 : 0) + random.NextDouble();
            var label = num + (colour == "red" ? 3 : 0) > 6 ? "yes" : "no";
            csv.Append($"{num:0.###},{(flag ? "true" : "false")},{colour},{when},{amount:0.###},{label}\n");
        }
        var frame = TabularFrame.ReadCsv(new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString())), CsvReadOptions.Default);
        var exclude = target == "label" ? new[] { "amount" } : ["label"];
        return Trainer.Train(frame, new TrainingSpec
        {
            Target = target,
            Task = task,
            Parameters = new Dictionary<string, string> { ["trees"] = "5", ["minSamplesLeaf"] = "5" },
            Exclude = exclude,
            MaxDegreeOfParallelism = 1,
        });
    }
}

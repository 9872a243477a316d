using MlOps.Learning;
using MlOps.Learning.Metrics;
using MlOps.Learning.Trainers;

namespace MlOps.Tests.Learning;

public sealed class MetricsTests
{
    [Fact]
    public void Auc_counts_ordered_pairs_and_ties_as_half()
    {
        double[] truth = [0, 0, 1, 1];
        double[] prob = [0.9, 0.1, 0.3, 0.7, 0.35, 0.65, 0.2, 0.8];  // positive scores: .1 .7 (negatives), .65 .8
        var m = ModelMetrics.Compute(TaskKind.Binary, truth, prob, 2);
        Assert.Equal(0.75, m[MetricNames.Auc], 10);
        Assert.Equal(0.75, m[MetricNames.Accuracy], 10);
    }

    [Fact]
    public void Regression_metrics_match_hand_computed_values()
    {
        double[] y = [1, 2, 3, 4];
        double[] p = [1, 2, 3, 5];
        var m = ModelMetrics.Compute(TaskKind.Regression, y, p, 1);
        Assert.Equal(0.5, m[MetricNames.Rmse], 10);
        Assert.Equal(0.25, m[MetricNames.Mae], 10);
        Assert.Equal(1 - 1 / 5.0, m[MetricNames.R2], 10);
    }

    [Fact]
    public void Stratified_split_keeps_class_shares_and_is_seeded()
    {
        var y = Enumerable.Range(0, 1000).Select(i => i % 10 == 0 ? 1.0 : 0.0).ToArray();
        var (train, test) = DataSplits.Random(y.Length, 0.2, 7, y);
        Assert.Equal(200, test.Length);
        Assert.Equal(20, test.Count(i => y[i] == 1));
        Assert.Equal(test, DataSplits.Random(y.Length, 0.2, 7, y).Test);
        Assert.Empty(train.Intersect(test));
    }

    [Fact]
    public void Time_split_holds_out_the_latest_rows()
    {
        double[] t = [5, 1, 4, 2, 3];
        var (train, test) = DataSplits.ByTime(t, 0.4);
        Assert.Equal([0, 2], test);
        Assert.Equal([1, 3, 4], train);
    }

    [Fact]
    public void Kfold_assigns_every_row_to_one_balanced_fold()
    {
        var folds = DataSplits.KFold(100, 5, 1);
        Assert.All(Enumerable.Range(0, 5), k => Assert.Equal(20, folds.Count(f => f == k)));
    }
}

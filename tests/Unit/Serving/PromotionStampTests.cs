using MlOps.Serving.Models;

namespace MlOps.Tests.Unit.Serving;

public sealed class PromotionStampTests
{
    static readonly DateTimeOffset T = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_later_promotion_wins_whatever_its_version_so_a_rollback_applies()
    {
        var promoteV2 = new PromotionStamp(T, 2);
        var rollbackToV1 = new PromotionStamp(T.AddSeconds(5), 1);

        Assert.True(rollbackToV1.IsNewerThan(promoteV2));
        Assert.False(promoteV2.IsNewerThan(rollbackToV1));
    }

    [Fact]
    public void Anything_is_newer_than_nothing_and_the_same_promotion_twice_is_not()
    {
        Assert.True(new PromotionStamp(T, 1).IsNewerThan(null));
        Assert.False(new PromotionStamp(T, 1).IsNewerThan(new PromotionStamp(T, 1)));
    }

    [Fact]
    public void On_an_equal_time_the_higher_version_wins_on_every_replica()
    {
        Assert.True(new PromotionStamp(T, 3).IsNewerThan(new PromotionStamp(T, 2)));
        Assert.False(new PromotionStamp(T, 2).IsNewerThan(new PromotionStamp(T, 3)));
    }
}

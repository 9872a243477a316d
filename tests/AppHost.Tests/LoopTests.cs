namespace MlOps.Tests.AppHost;

/// <summary>The continuous-training loop (<see cref="LoopScenario"/>) on the platform with one process per service.</summary>
[Collection(PlatformCollection.Name)]
public sealed class LoopTests(PlatformFixture platform)
{
    [Fact]
    public async Task Drift_in_served_data_retrains_and_the_new_champion_serves_with_lineage_to_its_batches() =>
        await LoopScenario.RunAsync(platform);
}

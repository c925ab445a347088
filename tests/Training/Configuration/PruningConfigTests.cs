using NasPrune.Experiments.Configuration;
using NasPrune.Training.Configuration;

namespace NasPrune.Tests.Training.Configuration;

public sealed class PruningConfigTests
{
    [Theory]
    [InlineData("""{ "pruning": { "method": "random", "baseModel": "m.npta" } }""", "'pruning.method' must be one of: l1, global-magnitude, gradual-magnitude", "random")]
    [InlineData("""{ "pruning": { "method": "global-magnitude", "baseModel": "m.npta" } }""", "'pruning.sparsity' is required for method 'global-magnitude'")]
    [InlineData("""{ "pruning": { "method": "global-magnitude", "baseModel": "m.npta", "sparsity": 1 } }""", "'pruning.sparsity' must be in (0, 1), got 1")]
    [InlineData("""{ "pruning": { "method": "gradual-magnitude", "sparsity": 0 } }""", "'pruning.sparsity' must be in (0, 1), got 0")]
    [InlineData("""{ "pruning": { "method": "global-magnitude", "sparsity": 0.9 } }""", "'pruning.baseModel' is required for method 'global-magnitude'")]
    [InlineData("""{ "pruning": { "method": "l1" } }""", "'pruning.baseModel' is required for method 'l1'")]
    [InlineData("""{ "pruning": { "method": "l1", "baseModel": "m.npta", "sparsity": 0.5 } }""", "'pruning.sparsity' applies to the methods", "flopsTarget")]
    [InlineData("""{ "pruning": { "method": "global-magnitude", "baseModel": "m.npta", "sparsity": 0.9, "minKeep": 0.2 } }""", "'pruning.minKeep' (0.2) must not exceed 1 - 'pruning.sparsity' (0.1)")]
    [InlineData("""{ "pruning": { "method": "global-magnitude", "baseModel": "m.npta", "sparsity": 0.9, "endEpoch": 5 } }""", "'pruning.endEpoch' applies to method gradual-magnitude only")]
    [InlineData("""{ "training": { "epochs": 10 }, "pruning": { "method": "gradual-magnitude", "sparsity": 0.9, "endEpoch": 11 } }""", "'pruning.endEpoch' (11) must not exceed 'training.epochs' (10)")]
    [InlineData("""{ "training": { "epochs": 10 }, "pruning": { "method": "gradual-magnitude", "sparsity": 0.9, "startEpoch": 4, "endEpoch": 4 } }""", "'pruning.startEpoch' (4) must be before 'pruning.endEpoch' (4)")]
    [InlineData("""{ "training": { "epochs": 10 }, "pruning": { "method": "gradual-magnitude", "sparsity": 0.9, "startEpoch": 10 } }""", "'pruning.startEpoch' (10) must be before the end of training")]
    [InlineData("""{ "pruning": { "method": "gradual-magnitude", "sparsity": 0.9, "updatesPerEpoch": 0 } }""", "'pruning.updatesPerEpoch' must be in [1, 100000], got 0")]
    // A 'tas' section beside 'pruning' (one NASPRUNE_tas__* variable is enough to make one) is named, not the arch.
    [InlineData("""{ "model": { "arch": "resnet56" }, "pruning": { "method": "l1", "baseModel": "m.npta" }, "tas": { "search": { "epochs": 1 } } }""", "'pruning' runs without a 'tas' section, got both", "NASPRUNE_tas__")]
    [InlineData("""{ "model": { "arch": "ofa:r20-k33.33.33.33.33-e33.33.33.33.33" }, "pruning": { "method": "l1", "baseModel": "m.npta" } }""", "'pruning' needs a ResNet or a fixed 'darts-cells' 'model.arch', got 'ofa:r20-k33.33.33.33.33-e33.33.33.33.33'")]
    public void BadPruningFieldsGiveOneLineNamingTheField(string json, params string[] expected)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadFromJson<RunConfig>(json));
        Assert.DoesNotContain('\n', e.Message);
        foreach (string part in expected) Assert.Contains(part, e.Message);
    }

    [Fact]
    public void GradualMagnitudeNeedsNoBaseModelAndEndsAtThreeQuartersByDefault()
    {
        RunConfig config = ConfigLoader.LoadFromJson<RunConfig>("""{ "training": { "epochs": 30 }, "pruning": { "method": "gradual-magnitude", "sparsity": 0.9 } }""");
        PruningConfig pruning = config.Pruning!;
        Assert.Equal("", pruning.BaseModel);
        Assert.Equal(22, pruning.EndEpochFor(config.Training.Epochs));
        Assert.Equal(0.02, pruning.MinKeep);
        Assert.Equal(1, pruning.UpdatesPerEpoch);
    }

    [Fact]
    public void AConfigWithoutPruningIsRefusedByThePruneCommandInOneLine()
    {
        RunConfig config = ConfigLoader.LoadFromJson<RunConfig>("""{ "model": { "arch": "resnet20" } }""");
        var e = Assert.Throws<ConfigException>(() => NasPrune.Experiments.Cli.PruneCommand.RequirePruning(config));
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains("'pruning' is required", e.Message);
    }
}

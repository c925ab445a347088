using NasPrune.LatencyTables.Operators;
using NasPrune.Supernet.Ofa;

namespace NasPrune.Tests.LatencyTables;

public sealed class LatencyOperatorsTests
{
    private static readonly OfaSearchSpace Space = OfaSearchSpace.Default(0.5);

    [Fact]
    public void TheTableKeysCoverEveryOperatorOfEverySampledSubnetwork()
    {
        var keys = LatencyOperators.All(Space).Select(o => o.Key).ToHashSet();
        var used = new HashSet<string>();
        var configs = Enumerable.Range(0, 500).Select(i => SubnetSampler.Sample(Space, (ulong)i))
            .Append(SubnetConfig.Largest(Space)).Append(SubnetConfig.Smallest(Space));
        foreach (SubnetConfig config in configs)
            foreach (LatencyOperator op in LatencyOperators.Of(config))
            {
                Assert.Contains(op.Key, keys);
                used.Add(op.Key);
            }
        // Nothing in the table is unreachable: 500 random networks plus the extremes use most keys, and every kind appears.
        Assert.True(used.Count > keys.Count * 0.8, $"{used.Count} of {keys.Count} keys used");
        Assert.Equal(Enum.GetValues<OperatorKind>().Length, LatencyOperators.All(Space).Select(o => o.Kind).Distinct().Count());
    }

    [Fact]
    public void ASubnetworkIsStemFirstBlockItsActiveBlocksAndTheHead()
    {
        SubnetConfig config = SubnetConfig.Parse(Space, "r28-k35.357.3575.35.357-e34.346.3464.34.346");
        var ops = LatencyOperators.Of(config);
        Assert.Equal(2 + config.Depths.Sum() + 1, ops.Count);
        Assert.Equal(["stem-i28", "first_block-i28", "block-s0-first-i28-k3-e3", "block-s0-rest-i14-k5-e4"], ops.Take(4).Select(o => o.Key));
        Assert.Equal("head-i2", ops[^1].Key); // 28 -> 14 -> 7 -> 4 -> 4 -> 2
        Assert.Equal([28, 14, 7, 4, 4, 2], LatencyOperators.StageInputSizes(Space, 28));
        Assert.Equal([20, 10, 5, 3, 3, 2], LatencyOperators.StageInputSizes(Space, 20));
    }
}

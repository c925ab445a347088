using NasPrune.Supernet.Ofa;

namespace NasPrune.LatencyTables.Operators;

/// <summary>Which operators a sub-network is made of, and every operator any sub-network of a space can contain.</summary>
public static class LatencyOperators
{
    /// <summary>The operators of <paramref name="config"/> in execution order.</summary>
    public static IReadOnlyList<LatencyOperator> Of(SubnetConfig config)
    {
        OfaSearchSpace space = config.Space;
        var ops = new List<LatencyOperator> { new(OperatorKind.Stem, config.Resolution), new(OperatorKind.FirstBlock, config.Resolution) };
        int[] sizes = StageInputSizes(space, config.Resolution);
        for (int s = 0; s < space.StageCount; s++)
            for (int b = 0; b < config.Depths[s]; b++)
            {
                int size = b == 0 ? sizes[s] : sizes[s + 1];
                ops.Add(new LatencyOperator(OperatorKind.Block, size, s, b == 0, config.Kernel(s, b), config.Expand(s, b)));
            }
        ops.Add(new LatencyOperator(OperatorKind.Head, sizes[^1]));
        return ops;
    }

    /// <summary>Every distinct operator of the space (over all resolutions, kernels, expand ratios and depths).</summary>
    public static IReadOnlyList<LatencyOperator> All(OfaSearchSpace space)
    {
        var all = new List<LatencyOperator>();
        foreach (int r in space.Resolutions.Order())
        {
            int[] sizes = StageInputSizes(space, r);
            all.Add(new LatencyOperator(OperatorKind.Stem, r));
            all.Add(new LatencyOperator(OperatorKind.FirstBlock, r));
            for (int s = 0; s < space.StageCount; s++)
                foreach (bool first in new[] { true, false })
                    foreach (int k in space.Kernels.Order())
                        foreach (double e in space.ExpandRatios.Order())
                            all.Add(new LatencyOperator(OperatorKind.Block, first ? sizes[s] : sizes[s + 1], s, first, k, e));
            all.Add(new LatencyOperator(OperatorKind.Head, sizes[^1]));
        }
        return all.DistinctBy(o => o.Key).ToList();
    }

    /// <summary>Feature-map size entering each stage, and (last entry) leaving the last stage.</summary>
    public static int[] StageInputSizes(OfaSearchSpace space, int resolution)
    {
        var sizes = new int[space.StageCount + 1];
        sizes[0] = resolution; // the stem and the first block keep the resolution (stride 1)
        for (int s = 0; s < space.StageCount; s++)
            sizes[s + 1] = (sizes[s] - 1) / space.Stages[s].Stride + 1; // 'same' padding: ceil(size / stride)
        return sizes;
    }
}

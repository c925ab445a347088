using NasPrune.Supernet.Randomness;

namespace NasPrune.Supernet.Ofa;

/// <summary>
/// Draws sub-networks of a space: every block's kernel and expand ratio, every stage's depth and the
/// resolution uniformly from the allowed choices. Progressive shrinking narrows the choices per phase
/// (<see cref="SamplingChoices"/>); the generator is passed in, so callers decide how seeds derive.
/// </summary>
public static class SubnetSampler
{
    public static SubnetConfig Sample(OfaSearchSpace space, SplitMix64 random, SamplingChoices? choices = null)
    {
        IReadOnlyList<int> kernels = choices?.Kernels ?? space.Kernels;
        IReadOnlyList<double> expands = choices?.ExpandRatios ?? space.ExpandRatios;
        IReadOnlyList<int> depths = choices?.Depths ?? space.Depths;
        IReadOnlyList<int> resolutions = choices?.Resolutions ?? space.Resolutions;
        var k = new int[space.BlockSlots];
        var e = new double[space.BlockSlots];
        for (int i = 0; i < space.BlockSlots; i++)
        {
            k[i] = random.Choose(kernels);
            e[i] = random.Choose(expands);
        }
        var d = new int[space.StageCount];
        for (int s = 0; s < d.Length; s++) d[s] = random.Choose(depths);
        return new SubnetConfig(space, random.Choose(resolutions), d, k, e);
    }

    public static SubnetConfig Sample(OfaSearchSpace space, ulong seed, SamplingChoices? choices = null) =>
        Sample(space, new SplitMix64(seed), choices);
}

using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Randomness;
using NasPrune.Training.Configuration;

namespace NasPrune.Training.Shrinking;

/// <summary>
/// What a progressive-shrinking phase samples, as a pure function of (seed, step): one resolution per
/// step for the whole batch, then sub-network i of the step from its own generator, so a resumed run
/// draws exactly the sub-networks the uninterrupted run would. Dimensions the phase does not list are
/// held at their largest value. With the sandwich rule the first and last sub-networks of a step are the
/// phase's largest and smallest (<see cref="ShrinkingPhaseConfig.Sandwich"/>).
/// </summary>
public sealed class PhaseSampling
{
    private const ulong ResolutionStream = 0x4E50;
    private const ulong SubnetStream = 0x5AB0;
    private readonly OfaSearchSpace _space;
    private readonly ulong _seed;
    private readonly int _perStep;
    private readonly bool _sandwich;
    private readonly SubnetConfig _largest, _smallest;   // the sandwich's ends; each step gives them its resolution

    public PhaseSampling(OfaSearchSpace space, ShrinkingPhaseConfig phase, long seed)
    {
        _space = space;
        _seed = (ulong)seed;
        _perStep = phase.SubnetsPerStep;
        _sandwich = phase.Sandwich && phase.SubnetsPerStep >= 2;
        Choices = new SamplingChoices(
            phase.Kernels ?? [space.Kernels.Max()],
            phase.Expands ?? [space.ExpandRatios.Max()],
            phase.Depths ?? [space.Depths.Max()],
            phase.Resolutions ?? [space.Resolutions.Max()]);
        int resolution = Choices.Resolutions!.Max();
        _largest = SubnetConfig.Uniform(space, resolution, Choices.Depths!.Max(), Choices.Kernels!.Max(), Choices.ExpandRatios!.Max());
        _smallest = SubnetConfig.Uniform(space, resolution, Choices.Depths!.Min(), Choices.Kernels!.Min(), Choices.ExpandRatios!.Min());
    }

    public SamplingChoices Choices { get; }

    /// <summary>Channel-sorting stage at the start of the phase (number of expand ratios - 2), or null when widths are not elastic.</summary>
    public int? ExpandStage => Choices.ExpandRatios!.Count > 1 ? Choices.ExpandRatios.Count - 2 : null;

    public int ResolutionAt(long step) => new SplitMix64(SplitMix64.Mix(_seed, (ulong)step, ResolutionStream)).Choose(Choices.Resolutions!);

    public SubnetConfig SubnetAt(long step, int index, int resolution)
    {
        if (_sandwich && index == 0) return _largest.WithResolution(resolution);
        if (_sandwich && index == _perStep - 1) return _smallest.WithResolution(resolution);
        return SubnetSampler.Sample(_space, SplitMix64.Mix(_seed, (ulong)step, (ulong)index, SubnetStream), Choices).WithResolution(resolution);
    }
}

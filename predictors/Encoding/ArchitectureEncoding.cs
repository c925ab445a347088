using System.Globalization;
using NasPrune.Supernet.Ofa;

namespace NasPrune.Predictors.Encoding;

/// <summary>
/// The accuracy predictor's input (design note search.md): for each block slot a one-hot kernel and a
/// one-hot expand ratio (all zeros when the stage's depth skips the slot), then a one-hot resolution.
/// For ofa-mbv3-small: 20 x (3 + 3) + 4 = 124 values.
/// </summary>
public sealed class ArchitectureEncoding(OfaSearchSpace space)
{
    private readonly int[] _kernels = space.Kernels.Order().ToArray();
    private readonly double[] _expands = space.ExpandRatios.Order().ToArray();
    private readonly int[] _resolutions = space.Resolutions.Order().ToArray();

    public OfaSearchSpace Space { get; } = space;

    public int Length => Space.BlockSlots * (_kernels.Length + _expands.Length) + _resolutions.Length;

    /// <summary>What the encoding is, as text: a predictor file stores it and refuses another.</summary>
    public string Description => string.Create(CultureInfo.InvariantCulture,
        $"slots={Space.BlockSlots};blocksPerStage={Space.BlocksPerStage};kernels={string.Join(",", _kernels)};expands={string.Join(",", _expands)};resolutions={string.Join(",", _resolutions)}");

    public float[] Encode(SubnetConfig config)
    {
        var x = new float[Length];
        int width = _kernels.Length + _expands.Length;
        for (int s = 0; s < Space.StageCount; s++)
            for (int b = 0; b < config.Depths[s]; b++)
            {
                int offset = (s * Space.BlocksPerStage + b) * width;
                x[offset + Array.IndexOf(_kernels, config.Kernel(s, b))] = 1;
                x[offset + _kernels.Length + Array.IndexOf(_expands, config.Expand(s, b))] = 1;
            }
        x[Space.BlockSlots * width + Array.IndexOf(_resolutions, config.Resolution)] = 1;
        return x;
    }

    /// <summary>A batch of encodings as one [N, Length] array (row-major).</summary>
    public float[] EncodeAll(IReadOnlyList<SubnetConfig> configs)
    {
        var all = new float[configs.Count * Length];
        for (int i = 0; i < configs.Count; i++) Encode(configs[i]).CopyTo(all, i * Length);
        return all;
    }
}

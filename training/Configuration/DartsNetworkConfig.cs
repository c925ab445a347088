using System.ComponentModel.DataAnnotations;
using NasPrune.Supernet.Darts;

namespace NasPrune.Training.Configuration;

/// <summary>The size of a DARTS cell network (the data set supplies input channels and classes).</summary>
public sealed record DartsNetworkConfig
{
    /// <summary>Node width of the first cells (DARTS: 16 in search, 36 in evaluation).</summary>
    [Range(2, 512)]
    public int Channels { get; init; } = 16;

    /// <summary>Cells; reduction cells at 1/3 and 2/3 (DARTS: 8 in search, 20 in evaluation).</summary>
    [Range(3, 64)]
    public int Cells { get; init; } = 8;

    [Range(1, 8)]
    public int StemMultiplier { get; init; } = 3;

    public DartsNetworkSpec Spec(int inChannels, int classes) =>
        new() { InChannels = inChannels, Classes = classes, Channels = Channels, Cells = Cells, StemMultiplier = StemMultiplier };
}

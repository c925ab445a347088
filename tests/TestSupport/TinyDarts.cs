using NasPrune.Supernet.Darts;

namespace NasPrune.Tests.TestSupport;

/// <summary>A tiny DARTS cell network shape and a genotype using every operation kind, for fast tests.</summary>
public static class TinyDarts
{
    public static readonly DartsNetworkSpec Spec = new() { InChannels = 1, Classes = 10, Channels = 4, Cells = 3, StemMultiplier = 2 };

    public static DartsGenotype Genotype() => DartsGenotype.Parse(
        "normal: sep_conv_3x3:0 skip_connect:1 | dil_conv_3x3:0 sep_conv_5x5:2 | max_pool_3x3:1 avg_pool_3x3:3 | dil_conv_5x5:2 skip_connect:4\n" +
        "reduce: max_pool_3x3:0 sep_conv_3x3:1 | skip_connect:0 dil_conv_5x5:2 | avg_pool_3x3:1 sep_conv_5x5:2 | skip_connect:0 dil_conv_3x3:3");
}

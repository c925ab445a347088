using System.Globalization;

namespace NasPrune.LatencyTables.Operators;

/// <summary>
/// One operator configuration a sub-network can contain, as a latency table keys it: the stem or the
/// fixed first block at an input resolution, an elastic block (stage, whether it is the stage's first
/// block, input feature-map size, kernel, expand ratio), or the head at the final feature-map size.
/// </summary>
public sealed record LatencyOperator(OperatorKind Kind, int InputSize, int Stage = -1, bool StageFirst = false, int Kernel = 0, double Expand = 0)
{
    public string Key => Kind switch
    {
        OperatorKind.Stem => $"stem-i{InputSize}",
        OperatorKind.FirstBlock => $"first_block-i{InputSize}",
        OperatorKind.Head => $"head-i{InputSize}",
        _ => $"block-s{Stage}-{(StageFirst ? "first" : "rest")}-i{InputSize}-k{Kernel}-e{Expand.ToString(CultureInfo.InvariantCulture)}",
    };

    public override string ToString() => Key;
}

public enum OperatorKind
{
    Stem,
    FirstBlock,
    Block,
    Head,
}

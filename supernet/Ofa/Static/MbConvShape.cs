namespace NasPrune.Supernet.Ofa.Static;

/// <summary>
/// Everything that fixes a static MBConv block's tensors and cost: widths, kernel, stride, activation,
/// SE squeeze width (null: no SE), whether it adds its input, and whether it has the 1x1 expansion conv
/// (the fixed first block, expand ratio 1, has none). Counting and latency tables key on this too.
/// </summary>
public sealed record MbConvShape(int In, int Middle, int Out, int Kernel, int Stride, Activation Activation, int? Squeeze,
    bool Residual, bool HasExpansion);

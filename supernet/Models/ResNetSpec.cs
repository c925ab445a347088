namespace NasPrune.Supernet.Models;

/// <summary>
/// Shape of a CIFAR-style ResNet: depth 6n+2, per-stage widths, input channels and classes, and
/// optionally the width of every block's first conv (<see cref="MiddleWidths"/>, block order; filter
/// pruning narrows them; null: the stage width).
/// </summary>
public sealed record ResNetSpec(int Depth, int InChannels, int Classes, IReadOnlyList<int> Widths, IReadOnlyList<int>? MiddleWidths = null)
{
    public static readonly IReadOnlyList<int> StandardWidths = [16, 32, 64];

    public int BlocksPerStage => (Depth - 2) / 6;

    /// <summary>Output width of the first conv of block <paramref name="block"/> (counted over all stages).</summary>
    public int MiddleWidth(int stage, int block) => MiddleWidths?[stage * BlocksPerStage + block] ?? Widths[stage];

    /// <summary>"resnet20", "resnet32", "resnet56", "resnet110" (any 6n+2).</summary>
    public static ResNetSpec FromName(string name, int inChannels, int classes)
    {
        if (!name.StartsWith("resnet", StringComparison.OrdinalIgnoreCase)
            || !int.TryParse(name.AsSpan(6), out int depth) || depth < 8 || (depth - 2) % 6 != 0)
            throw new ArgumentException($"model.arch: '{name}' is not a CIFAR ResNet; allowed values: resnet20, resnet32, resnet44, resnet56, resnet110 (any resnet(6n+2))");
        return new ResNetSpec(depth, inChannels, classes, StandardWidths);
    }

    /// <summary>Multiply-accumulates of one forward pass on an <paramref name="size"/> x <paramref name="size"/> image (convs, BN excluded, linear included).</summary>
    public long Macs(int size)
    {
        long macs = 9L * InChannels * Widths[0] * size * size;
        int inWidth = Widths[0];
        int h = size;
        for (int s = 0; s < 3; s++)
        {
            for (int b = 0; b < BlocksPerStage; b++)
            {
                int stride = b == 0 && s > 0 ? 2 : 1;
                int outH = (h + 2 - 3) / stride + 1;
                int w = Widths[s], m = MiddleWidth(s, b);
                macs += 9L * inWidth * m * outH * outH + 9L * m * w * outH * outH;
                if (stride != 1 || inWidth != w) macs += (long)inWidth * w * outH * outH;
                inWidth = w;
                h = outH;
            }
        }
        return macs + (long)inWidth * Classes;
    }
}

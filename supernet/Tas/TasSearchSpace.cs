namespace NasPrune.Supernet.Tas;

/// <summary>
/// What TAS searches in a CIFAR ResNet: candidate widths for the stem and for both convs of every
/// block (from the layer's full width), and candidate depths per stage. Layers are numbered stem = 0,
/// then block (s, b) conv a = 1 + 2 * (s * n + b), conv b = that + 1.
/// </summary>
public sealed record TasSearchSpace(int InChannels, int Classes, int InputSize, IReadOnlyList<int> StageWidths, int BlocksPerStage,
    IReadOnlyList<IReadOnlyList<int>> WidthChoices, IReadOnlyList<IReadOnlyList<int>> DepthChoices)
{
    public int LayerCount => 1 + 2 * StageWidths.Count * BlocksPerStage;

    public static int ConvA(int stage, int block, int blocksPerStage) => 1 + 2 * (stage * blocksPerStage + block);

    /// <summary>The standard search space of resnet(6n+2): widths 16/32/64, TAS's width and depth choices.</summary>
    public static TasSearchSpace ForResNet(int depth, int inChannels, int classes, int inputSize)
    {
        if (depth < 8 || (depth - 2) % 6 != 0) throw new ArgumentException($"model.arch: resnet{depth} is not a CIFAR ResNet (depth 6n+2)");
        int n = (depth - 2) / 6;
        int[] stageWidths = [16, 32, 64];
        var widths = new List<IReadOnlyList<int>> { TasChoices.Widths(stageWidths[0]) };
        for (int s = 0; s < 3; s++)
            for (int b = 0; b < n; b++)
            {
                widths.Add(TasChoices.Widths(stageWidths[s]));
                widths.Add(TasChoices.Widths(stageWidths[s]));
            }
        var depths = Enumerable.Range(0, 3).Select(_ => (IReadOnlyList<int>)TasChoices.Depths(n)).ToList();
        return new TasSearchSpace(inChannels, classes, inputSize, stageWidths, n, widths, depths);
    }

    /// <summary>Spatial size of the feature maps in each stage.</summary>
    public int StageSize(int stage)
    {
        int h = InputSize;
        for (int s = 1; s <= stage; s++) h = (h - 1) / 2 + 1;
        return h;
    }

    /// <summary>The architecture of one choice per layer (indices into the width choices) and per stage (indices into the depth choices).</summary>
    public TasArchitecture Architecture(IReadOnlyList<int> widthIndex, IReadOnlyList<int> depthIndex)
    {
        var stages = new List<IReadOnlyList<(int, int)>>();
        for (int s = 0; s < StageWidths.Count; s++)
        {
            int depth = DepthChoices[s][depthIndex[s]];
            stages.Add(Enumerable.Range(0, depth).Select(b =>
            {
                int a = ConvA(s, b, BlocksPerStage);
                return (WidthChoices[a][widthIndex[a]], WidthChoices[a + 1][widthIndex[a + 1]]);
            }).ToList());
        }
        return new TasArchitecture(WidthChoices[0][widthIndex[0]], stages);
    }
}

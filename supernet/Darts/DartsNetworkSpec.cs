namespace NasPrune.Supernet.Darts;

/// <summary>
/// The shape of a DARTS cell network: a 3 x 3 stem to <c>StemMultiplier * Channels</c>, <c>Cells</c> cells
/// (reduction cells, which halve the resolution and double the width, at 1/3 and 2/3 of the depth),
/// global pooling and a linear classifier. Each cell has <see cref="Nodes"/> intermediate nodes whose
/// outputs are concatenated.
/// </summary>
public sealed record DartsNetworkSpec
{
    public const int Nodes = 4;

    /// <summary>Input channels and classes come from the data.</summary>
    public int InChannels { get; init; } = 1;
    public int Classes { get; init; } = 10;

    /// <summary>Width of the first cells' nodes (DARTS: 16 in search, 36 in evaluation).</summary>
    public int Channels { get; init; } = 16;

    /// <summary>Number of cells (DARTS: 8 in search, 20 in evaluation).</summary>
    public int Cells { get; init; } = 8;

    public int StemMultiplier { get; init; } = 3;

    /// <summary>Edges into the intermediate nodes: 2 + 3 + 4 + 5 = 14.</summary>
    public static int Edges => Enumerable.Range(0, Nodes).Sum(i => i + 2);

    public bool IsReduction(int cell) => cell == Cells / 3 || cell == 2 * Cells / 3;

    public int StemChannels => StemMultiplier * Channels;

    /// <summary>Each cell's input widths, node width and whether it or its predecessor reduces (the bookkeeping both networks share).</summary>
    public IReadOnlyList<CellShape> CellShapes()
    {
        var shapes = new List<CellShape>();
        int prevPrev = StemChannels, prev = StemChannels, channels = Channels;
        bool reductionPrev = false;
        for (int i = 0; i < Cells; i++)
        {
            bool reduction = IsReduction(i);
            if (reduction) channels *= 2;
            shapes.Add(new CellShape(prevPrev, prev, channels, reduction, reductionPrev));
            (prevPrev, prev, reductionPrev) = (prev, Nodes * channels, reduction);
        }
        return shapes;
    }

    /// <summary>
    /// Whether activations after the stem are channels-last: only when every width is a multiple of 8 (the
    /// real search spaces: C = 16). With other widths (the tests' tiny cells) channels-last DARTS cells crashed
    /// the process in libtorch 2.10 on a 2-core AMD EPYC ("double free or corruption", reproducible in the
    /// DASS task tests), so those stay NCHW, where their convolutions see too few channels for the NaN that
    /// <see cref="Runtime.ChannelsLast"/> describes.
    /// </summary>
    public bool UsesChannelsLast => CellShapes().SelectMany(s => new[] { s.PrevPrevChannels, s.PrevChannels, s.Channels }).All(c => c % 8 == 0);

    /// <summary>Width of the last cell's output, the classifier's input.</summary>
    public int OutputChannels => Nodes * CellShapes()[^1].Channels;
}

/// <summary>The widths of one cell: its two inputs, its nodes, and whether it (and the cell before it) halves the resolution.</summary>
public sealed record CellShape(int PrevPrevChannels, int PrevChannels, int Channels, bool Reduction, bool ReductionPrev);

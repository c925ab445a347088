using NasPrune.Supernet.Runtime;
using NasPrune.Supernet.Darts.Operations;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Darts;

/// <summary>
/// The DARTS search cell: inputs are the two previous cells' outputs (pre-processed to
/// <c>channels</c>, the older one also halved when the previous cell was a reduction); node i sums a
/// mixed operation from each earlier state (2 + i edges); the output concatenates the intermediate nodes.
/// </summary>
public sealed class SearchCell : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> preprocess0;
    private readonly ReluConvBn preprocess1;
    private readonly ModuleList<MixedOperation> edges;

    public SearchCell(CellShape shape) : base("search_cell")
    {
        (Reduction, int channels) = (shape.Reduction, shape.Channels);
        preprocess0 = shape.ReductionPrev
            ? new FactorizedReduce(shape.PrevPrevChannels, channels, affine: false)
            : new ReluConvBn(shape.PrevPrevChannels, channels, 1, 1, 0, affine: false);
        preprocess1 = new ReluConvBn(shape.PrevChannels, channels, 1, 1, 0, affine: false);
        var list = new List<MixedOperation>();
        for (int node = 0; node < DartsNetworkSpec.Nodes; node++)
            for (int input = 0; input < node + 2; input++)
                list.Add(new MixedOperation(channels, Reduction && input < 2 ? 2 : 1));
        edges = nn.ModuleList(list.ToArray());
        RegisterComponents();
    }

    public bool Reduction { get; }

    /// <param name="weights">[14, operations] softmax weights, edges in node-major order.</param>
    public override Tensor forward(Tensor s0, Tensor s1, Tensor weights)
    {
        using var scope = NewDisposeScope();
        var states = new List<Tensor> { preprocess0.call(s0), preprocess1.call(s1) };
        int edge = 0;
        for (int node = 0; node < DartsNetworkSpec.Nodes; node++)
        {
            Tensor? sum = null;
            for (int input = 0; input < states.Count; input++, edge++)
            {
                Tensor term = edges[edge].call(states[input], weights[edge]);
                sum = sum is null ? term : sum.Plus(term);
            }
            states.Add(sum!);
        }
        return cat(states.Skip(2).ToArray(), 1).MoveToOuterDisposeScope();
    }
}

using NasPrune.Supernet.Runtime;
using NasPrune.Supernet.Darts.Operations;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Darts;

/// <summary>A cell of the derived network: the genotype's two operations per node (affine BatchNorms), outputs of the intermediate nodes concatenated.</summary>
public sealed class DerivedCell : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> preprocess0;
    private readonly ReluConvBn preprocess1;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> ops;
    private readonly CellGenotype _genotype;

    public DerivedCell(CellGenotype genotype, CellShape shape) : base("derived_cell")
    {
        _genotype = genotype;
        preprocess0 = shape.ReductionPrev
            ? new FactorizedReduce(shape.PrevPrevChannels, shape.Channels, affine: true)
            : new ReluConvBn(shape.PrevPrevChannels, shape.Channels, 1, 1, 0, affine: true);
        preprocess1 = new ReluConvBn(shape.PrevChannels, shape.Channels, 1, 1, 0, affine: true);
        ops = nn.ModuleList(genotype.Edges.Select(e => DartsOperations.Create(e.Operation, shape.Channels, shape.Reduction && e.Input < 2 ? 2 : 1, searching: false)).ToArray());
        RegisterComponents();
    }

    public override Tensor forward(Tensor s0, Tensor s1)
    {
        using var scope = NewDisposeScope();
        var states = new List<Tensor> { preprocess0.call(s0), preprocess1.call(s1) };
        for (int node = 0; node < DartsNetworkSpec.Nodes; node++)
        {
            Tensor? sum = null;
            for (int k = 0; k < CellGenotype.EdgesPerNode; k++)
            {
                int edge = node * CellGenotype.EdgesPerNode + k;
                Tensor term = ops[edge].call(states[_genotype.Edges[edge].Input]);
                sum = sum is null ? term : sum.Plus(term);
            }
            states.Add(sum!);
        }
        return cat(states.Skip(2).ToArray(), 1).MoveToOuterDisposeScope();
    }
}

using NasPrune.Supernet.Runtime;
using NasPrune.Supernet.Darts.Operations;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Darts;

/// <summary>
/// One edge of the search cell: the softmax-weighted sum of every operation's output. The 'none'
/// operation contributes exactly zero, so it is not computed; its weight still takes its share of the softmax.
/// </summary>
public sealed class MixedOperation : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly ModuleList<nn.Module<Tensor, Tensor>> _ops;

    public MixedOperation(int channels, int stride) : base("mixed_op")
    {
        _ops = nn.ModuleList(DartsOperations.All.Skip(1).Select(name => DartsOperations.Create(name, channels, stride, searching: true)).ToArray());
        register_module("ops", _ops);
    }

    /// <param name="weights">The softmax of this edge's architecture logits, one per operation in <see cref="DartsOperations.All"/> order.</param>
    public override Tensor forward(Tensor x, Tensor weights)
    {
        using var scope = NewDisposeScope();
        Tensor? sum = null;
        for (int i = 0; i < _ops.Count; i++)
        {
            Tensor term = _ops[i].call(x).mul(weights[i + 1]);
            sum = sum is null ? term : sum.PlusInPlace(term);
        }
        return sum!.MoveToOuterDisposeScope();
    }
}

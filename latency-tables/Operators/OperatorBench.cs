using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Ofa.Static;
using NasPrune.Supernet.Runtime;
using TorchSharp;
using static TorchSharp.torch;

using NasPrune.LatencyTables.Measurement;

namespace NasPrune.LatencyTables.Operators;

/// <summary>
/// A latency operator built as a small standalone static module with a random input of the shape and
/// memory layout it sees inside a network (channels-last after the stem), ready to be timed. Latency
/// does not depend on the weights' values, so no supernet is needed.
/// </summary>
public sealed class OperatorBench : IBench
{
    private readonly nn.Module _module;
    private readonly Tensor _input;
    private readonly Func<Tensor, Tensor> _forward;

    public OperatorBench(OfaSearchSpace space, LatencyOperator op, int batch, Device device)
    {
        int size = op.InputSize;
        switch (op.Kind)
        {
            case OperatorKind.Stem:
            {
                var stem = new OfaStem(space);
                (_module, _forward) = (stem, stem.StemConv);
                _input = randn(batch, space.InputChannels, size, size);
                break;
            }
            case OperatorKind.FirstBlock:
            {
                var block = new MbConvBlock(OfaStem.FirstBlockShape(space), space.BnMomentum, space.BnEps);
                (_module, _forward) = (block, block.call);
                _input = ChannelsLast.Apply(randn(batch, space.StemWidth, size, size));
                break;
            }
            case OperatorKind.Head:
            {
                var head = new OfaHead(space);
                (_module, _forward) = (head, head.call);
                _input = ChannelsLast.Apply(randn(batch, space.StageWidth(space.StageCount - 1), size, size));
                break;
            }
            default:
            {
                MbConvShape shape = space.BlockShape(op.Stage, op.StageFirst ? 0 : 1, op.Kernel, op.Expand);
                var block = new MbConvBlock(shape, space.BnMomentum, space.BnEps);
                (_module, _forward) = (block, block.call);
                _input = ChannelsLast.Apply(randn(batch, shape.In, size, size));
                break;
            }
        }
        OfaInit.Apply(_module); // as in a real network (see NetworkBench)
        _module.to(device);
        _module.eval();
        _input = _input.to(device).DetachFromDisposeScope();
    }

    public Tensor Forward() => _forward(_input);

    public void Dispose()
    {
        _module.Dispose();
        _input.Dispose();
    }
}

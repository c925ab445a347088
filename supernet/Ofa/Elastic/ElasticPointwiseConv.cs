using NasPrune.Supernet.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Ofa.Elastic;

/// <summary>
/// A bias-free 1x1 conv over the first <c>in</c> input and first <c>out</c> output channels of a
/// max-width weight (OFA's DynamicConv2d with kernel 1): the input width is the input tensor's.
/// </summary>
public sealed class ElasticPointwiseConv : nn.Module
{
    // Named as registered, so Module.to() (device or dtype) puts the moved tensor back into this field.
    [TorchSharp.Utils.ComponentName(Name = "weight")] private readonly Parameter _weight;
    private readonly int _maxIn;
    private readonly int _maxOut;

    public ElasticPointwiseConv(int maxIn, int maxOut) : base("pointwise")
    {
        (_maxIn, _maxOut) = (maxIn, maxOut);
        _weight = new Parameter(empty(maxOut, maxIn, 1, 1));
        register_parameter("weight", _weight);
        Init.HeFanOut(_weight);
    }

    public Parameter Weight => _weight;
    public int MaxOut => _maxOut;


    public Tensor Forward(Tensor x, int outChannels) => Pointwise.Conv(x, ActiveWeight(outChannels, (int)x.size(1)));

    /// <summary>The weight slice [out, in, 1, 1] (a view of the shared weight).</summary>
    public Tensor ActiveWeight(int outChannels, int inChannels) =>
        outChannels == _maxOut && inChannels == _maxIn
            ? _weight
            : _weight.slice(0, 0, outChannels, 1).slice(1, 0, inChannels, 1);
}

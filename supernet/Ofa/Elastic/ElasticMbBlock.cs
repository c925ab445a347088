using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Ofa.Elastic;

/// <summary>
/// An elastic MBConv block (OFA's DynamicMBConvLayer): kernel and expand ratio are chosen per call;
/// the block uses the first make_divisible(round(in * e)) middle channels of every tensor indexed by
/// them. It can emit its static twin (<see cref="Static.MbConvBlock"/>) for any choice.
/// </summary>
public sealed class ElasticMbBlock : nn.Module
{
    private readonly ElasticPointwiseConv _expandConv;
    private readonly ElasticBatchNorm _expandBn;
    private readonly ElasticDepthwiseConv _depthwiseConv;
    private readonly ElasticBatchNorm _depthwiseBn;
    private readonly ElasticSqueezeExcite? _se;
    private readonly ElasticPointwiseConv _projectConv;
    private readonly ElasticBatchNorm _projectBn;

    public ElasticMbBlock(OfaSearchSpace space, int stage, int index) : base($"block{stage}_{index}")
    {
        (Space, StageIndex, Index) = (space, stage, index);
        StageSpec spec = space.Stages[stage];
        In = space.BlockInputWidth(stage, index);
        Out = space.StageWidth(stage);
        Stride = index == 0 ? spec.Stride : 1;
        Activation = spec.Activation;
        HasSe = spec.Se;
        Residual = index > 0;
        MaxMiddle = Channels.MiddleWidth(In, space.ExpandRatios.Max());

        _expandConv = new ElasticPointwiseConv(In, MaxMiddle);
        _expandBn = new ElasticBatchNorm(MaxMiddle, space.BnMomentum, space.BnEps);
        _depthwiseConv = new ElasticDepthwiseConv(MaxMiddle, space.Kernels, Stride);
        _depthwiseBn = new ElasticBatchNorm(MaxMiddle, space.BnMomentum, space.BnEps);
        _projectConv = new ElasticPointwiseConv(MaxMiddle, Out);
        _projectBn = new ElasticBatchNorm(Out, space.BnMomentum, space.BnEps);
        register_module("expand_conv", _expandConv);
        register_module("expand_bn", _expandBn);
        register_module("depthwise_conv", _depthwiseConv);
        register_module("depthwise_bn", _depthwiseBn);
        if (HasSe)
        {
            _se = new ElasticSqueezeExcite(MaxMiddle);
            register_module("se", _se);
        }
        register_module("project_conv", _projectConv);
        register_module("project_bn", _projectBn);
    }

    public OfaSearchSpace Space { get; }
    public int StageIndex { get; }
    public int Index { get; }
    public int In { get; }
    public int Out { get; }
    public int Stride { get; }
    public Activation Activation { get; }
    public bool HasSe { get; }
    public bool Residual { get; }
    public int MaxMiddle { get; }

    public ElasticPointwiseConv ExpandConv => _expandConv;
    public ElasticBatchNorm ExpandBn => _expandBn;
    public ElasticDepthwiseConv DepthwiseConv => _depthwiseConv;
    public ElasticBatchNorm DepthwiseBn => _depthwiseBn;
    public ElasticSqueezeExcite? Se => _se;
    public ElasticPointwiseConv ProjectConv => _projectConv;
    public ElasticBatchNorm ProjectBn => _projectBn;

    public int Middle(double expand) => Channels.MiddleWidth(In, expand);

    public Static.MbConvShape Shape(int kernel, double expand) => Space.BlockShape(StageIndex, Index, kernel, expand);

    public Tensor Forward(Tensor x, int kernel, double expand)
    {
        using var scope = NewDisposeScope();
        int middle = Middle(expand);
        Tensor y = ActivationFunctions.ApplyAfterNorm(Activation, _expandBn.call(_expandConv.Forward(x, middle)));
        y = ActivationFunctions.ApplyAfterNorm(Activation, _depthwiseBn.call(_depthwiseConv.Forward(y, kernel)));
        if (_se is not null) y = _se.call(y);
        y = _projectBn.call(_projectConv.Forward(y, Out));
        if (Residual) y = y.add_(x);
        return y.MoveToOuterDisposeScope();
    }
}

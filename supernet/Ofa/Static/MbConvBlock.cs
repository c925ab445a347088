using NasPrune.Supernet.Normalization;
using NasPrune.Supernet.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Ofa.Static;

/// <summary>
/// A static MBConv block (the OFA reference's MBConvLayer): [1x1 expand conv, BN, act] (absent when the
/// expand ratio is 1), depthwise kxk conv, BN, act, [SE], 1x1 project conv, BN, + input when
/// <see cref="MbConvShape.Residual"/>. All convs are bias-free; "same" padding.
/// </summary>
public sealed class MbConvBlock : nn.Module<Tensor, Tensor>
{
    private readonly PointwiseConv2d? _expandConv;
    private readonly SafeBatchNorm2d? _expandBn;
    private readonly Conv2d _depthwiseConv;
    private readonly SafeBatchNorm2d _depthwiseBn;
    private readonly SqueezeExcite? _se;
    private readonly PointwiseConv2d _projectConv;
    private readonly SafeBatchNorm2d _projectBn;
    private readonly Activation _activation;

    public MbConvBlock(MbConvShape shape, double bnMomentum, double bnEps) : base("mbconv")
    {
        if (!shape.HasExpansion && shape.Middle != shape.In)
            throw new ArgumentException($"an MBConv block without expansion needs middle == in, got {shape.Middle} and {shape.In}");
        Shape = shape;
        (int inChannels, int middle, int outChannels, int kernel, int stride) = (shape.In, shape.Middle, shape.Out, shape.Kernel, shape.Stride);
        _activation = shape.Activation;
        if (shape.HasExpansion)
        {
            _expandConv = new PointwiseConv2d(inChannels, middle);
            _expandBn = new SafeBatchNorm2d(middle, bnEps, bnMomentum);
            register_module("expand_conv", _expandConv);
            register_module("expand_bn", _expandBn);
        }
        _depthwiseConv = nn.Conv2d(middle, middle, kernel, stride: stride, padding: kernel / 2, groups: middle, bias: false);
        _depthwiseBn = new SafeBatchNorm2d(middle, bnEps, bnMomentum);
        register_module("depthwise_conv", _depthwiseConv);
        register_module("depthwise_bn", _depthwiseBn);
        if (shape.Squeeze is int sq)
        {
            _se = new SqueezeExcite(middle, sq);
            register_module("se", _se);
        }
        _projectConv = new PointwiseConv2d(middle, outChannels);
        _projectBn = new SafeBatchNorm2d(outChannels, bnEps, bnMomentum);
        register_module("project_conv", _projectConv);
        register_module("project_bn", _projectBn);
    }

    public MbConvShape Shape { get; }
    public PointwiseConv2d? ExpandConv => _expandConv;
    public SafeBatchNorm2d? ExpandBn => _expandBn;
    public Conv2d DepthwiseConv => _depthwiseConv;
    public SafeBatchNorm2d DepthwiseBn => _depthwiseBn;
    public SqueezeExcite? Se => _se;
    public PointwiseConv2d ProjectConv => _projectConv;
    public SafeBatchNorm2d ProjectBn => _projectBn;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor y = x;
        if (_expandConv is not null) y = ActivationFunctions.ApplyAfterNorm(_activation, _expandBn!.call(_expandConv.call(y)));
        y = ActivationFunctions.ApplyAfterNorm(_activation, _depthwiseBn.call(_depthwiseConv.call(y)));
        if (_se is not null) y = _se.call(y);
        y = _projectBn.call(_projectConv.call(y));
        if (Shape.Residual) y = y.PlusInPlace(x);
        return y.MoveToOuterDisposeScope();
    }
}

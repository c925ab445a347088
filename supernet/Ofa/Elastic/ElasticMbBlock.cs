using NasPrune.Supernet.Normalization;
using NasPrune.Supernet.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Ofa.Elastic;

/// <summary>
/// An elastic MBConv block (OFA's DynamicMBConvLayer): kernel and expand ratio are chosen per call;
/// the block uses the first make_divisible(round(in * e)) middle channels of every tensor indexed by
/// them. It can emit its static twin (<see cref="Static.MbConvBlock"/>) for any choice.
/// For inference (eval mode, no gradients) the slicing and kernel transformation depend only on the
/// choice, so the block runs a cached static twin per choice instead; the cache is dropped whenever
/// the block enters train mode and by <see cref="ClearInferenceCache"/> (called by everything in
/// NasPrune that changes weights outside training: loading, channel sorting).
/// </summary>
public sealed class ElasticMbBlock : nn.Module, IInferenceCache
{
    private readonly ElasticPointwiseConv _expandConv;
    private readonly ElasticBatchNorm _expandBn;
    private readonly ElasticDepthwiseConv _depthwiseConv;
    private readonly ElasticBatchNorm _depthwiseBn;
    private readonly ElasticSqueezeExcite? _se;
    private readonly ElasticPointwiseConv _projectConv;
    private readonly ElasticBatchNorm _projectBn;
    private readonly Dictionary<(int Kernel, double Expand), Static.MbConvBlock> _inferenceTwins = [];

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
        if (!training && !is_grad_enabled()) return InferenceTwin(kernel, expand).call(x);
        using var scope = NewDisposeScope();
        int middle = Middle(expand);
        Tensor y = ActivationFunctions.ApplyAfterNorm(Activation, _expandBn.call(_expandConv.Forward(x, middle)));
        y = ActivationFunctions.ApplyAfterNorm(Activation, _depthwiseBn.call(_depthwiseConv.Forward(y, kernel)));
        if (_se is not null) y = _se.call(y);
        y = _projectBn.call(_projectConv.Forward(y, Out));
        if (Residual) y = y.PlusInPlace(x);
        return y.MoveToOuterDisposeScope();
    }

    /// <summary>The static twin for one choice: a new block with the active weights and BN statistics copied in.</summary>
    public Static.MbConvBlock ToStatic(int kernel, double expand)
    {
        Static.MbConvShape shape = Shape(kernel, expand);
        var twin = new Static.MbConvBlock(shape, Space.BnMomentum, Space.BnEps);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int middle = shape.Middle;
        twin.ExpandConv!.weight!.copy_(_expandConv.ActiveWeight(middle, shape.In));
        CopyBn(_expandBn, twin.ExpandBn!, middle);
        twin.DepthwiseConv.weight!.copy_(_depthwiseConv.ActiveWeight(middle, kernel));
        CopyBn(_depthwiseBn, twin.DepthwiseBn, middle);
        if (_se is not null && twin.Se is { } twinSe)
        {
            int squeeze = shape.Squeeze!.Value;
            twinSe.Reduce.weight!.copy_(_se.Reduce.weight!.slice(0, 0, squeeze, 1).slice(1, 0, middle, 1));
            twinSe.Reduce.bias!.copy_(_se.Reduce.bias!.slice(0, 0, squeeze, 1));
            twinSe.Expand.weight!.copy_(_se.Expand.weight!.slice(0, 0, middle, 1).slice(1, 0, squeeze, 1));
            twinSe.Expand.bias!.copy_(_se.Expand.bias!.slice(0, 0, middle, 1));
        }
        twin.ProjectConv.weight!.copy_(_projectConv.ActiveWeight(shape.Out, middle));
        CopyBn(_projectBn, twin.ProjectBn, shape.Out);
        twin.train(training);
        return twin;
    }

    /// <summary>
    /// Loads a static block of the largest choice (max kernel, max expand ratio) into the full-size weights
    /// and BN statistics: the inverse of <see cref="ToStatic"/> for that choice. The kernel transforms keep
    /// their values; they only shape the smaller kernels.
    /// </summary>
    public void LoadLargest(Static.MbConvBlock source)
    {
        Static.MbConvShape shape = Shape(_depthwiseConv.MaxKernel, Space.ExpandRatios.Max());
        if (!source.Shape.Equals(shape))
            throw new ArgumentException($"block {StageIndex}.{Index}: the static block's shape {source.Shape} is not the largest choice {shape}");
        using var noGrad = no_grad();
        _expandConv.Weight.copy_(source.ExpandConv!.weight!);
        LoadBn(source.ExpandBn!, _expandBn);
        _depthwiseConv.Weight.copy_(source.DepthwiseConv.weight!);
        LoadBn(source.DepthwiseBn, _depthwiseBn);
        if (_se is not null && source.Se is { } sourceSe)
        {
            _se.Reduce.weight!.copy_(sourceSe.Reduce.weight!);
            _se.Reduce.bias!.copy_(sourceSe.Reduce.bias!);
            _se.Expand.weight!.copy_(sourceSe.Expand.weight!);
            _se.Expand.bias!.copy_(sourceSe.Expand.bias!);
        }
        _projectConv.Weight.copy_(source.ProjectConv.weight!);
        LoadBn(source.ProjectBn, _projectBn);
        ClearInferenceCache();
    }

    public override void train(bool on = true)
    {
        base.train(on);
        if (on) ClearInferenceCache();
    }

    /// <summary>Drops the cached inference twins; they are rebuilt from the current weights on next use.</summary>
    public void ClearInferenceCache()
    {
        foreach (Static.MbConvBlock twin in _inferenceTwins.Values) twin.Dispose();
        _inferenceTwins.Clear();
    }

    private Static.MbConvBlock InferenceTwin(int kernel, double expand)
    {
        if (!_inferenceTwins.TryGetValue((kernel, expand), out Static.MbConvBlock? twin))
        {
            twin = ToStatic(kernel, expand);
            twin.to(_projectConv.Weight.device, _projectConv.Weight.dtype);   // built on the default device and dtype
            twin.eval();
            // Built inside the caller's dispose scope: the twin outlives it.
            foreach (var parameter in twin.parameters()) parameter.DetachFromDisposeScope();
            foreach (var buffer in twin.buffers()) buffer.DetachFromDisposeScope();
            _inferenceTwins[(kernel, expand)] = twin;
        }
        return twin;
    }

    private static void CopyBn(ElasticBatchNorm source, SafeBatchNorm2d target, int channels)
    {
        var bn = source.Bn;
        target.weight!.copy_(bn.weight!.slice(0, 0, channels, 1));
        target.bias!.copy_(bn.bias!.slice(0, 0, channels, 1));
        target.running_mean!.copy_(bn.running_mean!.slice(0, 0, channels, 1));
        target.running_var!.copy_(bn.running_var!.slice(0, 0, channels, 1));
        target.num_batches_tracked!.copy_(bn.num_batches_tracked!);
    }

    private static void LoadBn(SafeBatchNorm2d source, ElasticBatchNorm target)
    {
        var bn = target.Bn;
        bn.weight!.copy_(source.weight!);
        bn.bias!.copy_(source.bias!);
        bn.running_mean!.copy_(source.running_mean!);
        bn.running_var!.copy_(source.running_var!);
        bn.num_batches_tracked!.copy_(source.num_batches_tracked!);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) ClearInferenceCache();
        base.Dispose(disposing);
    }
}

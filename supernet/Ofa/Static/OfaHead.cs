using NasPrune.Supernet.Runtime;
using NasPrune.Supernet.Normalization;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NasPrune.Supernet.Ofa.Static;

/// <summary>
/// The fixed output part of every OFA network (the reference's MobileNetV3 head): 1x1 conv to the
/// final expand width, BN, h-swish; global average pool; 1x1 conv to the feature width with h-swish
/// and neither BN nor bias; dropout; linear classifier.
/// </summary>
public sealed class OfaHead : nn.Module<Tensor, Tensor>
{
    private readonly PointwiseConv2d _finalExpandConv;
    private readonly SafeBatchNorm2d _finalExpandBn;
    private readonly PointwiseConv2d _featureMixConv;
    private readonly Linear _classifier;
    private readonly double _dropout;

    public OfaHead(OfaSearchSpace space) : base("head")
    {
        int last = space.StageWidth(space.StageCount - 1);
        _finalExpandConv = new PointwiseConv2d(last, space.FinalExpandWidth);
        _finalExpandBn = new SafeBatchNorm2d(space.FinalExpandWidth, space.BnEps, space.BnMomentum);
        _featureMixConv = new PointwiseConv2d(space.FinalExpandWidth, space.FeatureWidth);
        _classifier = nn.Linear(space.FeatureWidth, space.Classes);
        _dropout = space.Dropout;
        register_module("final_expand_conv", _finalExpandConv);
        register_module("final_expand_bn", _finalExpandBn);
        register_module("feature_mix_conv", _featureMixConv);
        register_module("classifier", _classifier);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor y = F.hardswish(_finalExpandBn.call(_finalExpandConv.call(x)));
        y = y.mean([2, 3], keepdim: true);
        y = F.hardswish(_featureMixConv.call(y)).flatten(1);
        y = F.dropout(y, _dropout, training);
        return _classifier.call(y).MoveToOuterDisposeScope();
    }
}

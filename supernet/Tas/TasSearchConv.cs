using NasPrune.Supernet.Normalization;
using NasPrune.Supernet.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NasPrune.Supernet.Tas;

/// <summary>
/// A searchable conv (TAS): the full-width weight runs once on however many input channels arrive
/// (a narrower input is the same as zero padding); for each of the sampled output widths the first c
/// channels go through that width's own BatchNorm; both are brought to the larger width by channel-wise
/// interpolation and summed with their weights; optional ReLU.
/// </summary>
public sealed class TasSearchConv : nn.Module
{
    // Named as registered, so Module.to() (device or dtype) puts the moved tensor back into this field.
    [TorchSharp.Utils.ComponentName(Name = "weight")] private readonly Parameter _weight;
    private readonly ModuleList<SafeBatchNorm2d> _norms;
    private readonly int _stride;
    private readonly int _padding;
    private readonly bool _relu;

    public TasSearchConv(int maxIn, int maxOut, int kernel, int stride, IReadOnlyList<int> widths, bool relu) : base("tas_conv")
    {
        Widths = widths;
        _weight = new Parameter(empty(maxOut, maxIn, kernel, kernel));
        nn.init.kaiming_normal_(_weight, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
        _norms = nn.ModuleList(widths.Select(w => new SafeBatchNorm2d(w)).ToArray());
        (_stride, _padding, _relu) = (stride, kernel / 2, relu);
        register_parameter("weight", _weight);
        register_module("bns", _norms);
    }

    public IReadOnlyList<int> Widths { get; }

    public Tensor Forward(Tensor x, long[] selected, Tensor weights)
    {
        using var scope = NewDisposeScope();
        int maxSelected = selected.Max(i => Widths[(int)i]);
        Tensor w = _weight.slice(0, 0, maxSelected, 1).slice(1, 0, x.size(1), 1);
        Tensor conv = Pointwise.Conv2d(x, w, stride: _stride, padding: _padding);
        Tensor? mixed = null;
        for (int i = 0; i < selected.Length; i++)
        {
            int c = Widths[(int)selected[i]];
            Tensor y = _norms[(int)selected[i]].call(conv.slice(1, 0, c, 1));
            Tensor term = ChannelWiseInterpolation.Apply(y, maxSelected).mul(weights[i]);
            mixed = mixed is null ? term : mixed.Plus(term);
        }
        Tensor result = _relu ? F.relu(mixed!) : mixed!;
        return result.MoveToOuterDisposeScope();
    }
}

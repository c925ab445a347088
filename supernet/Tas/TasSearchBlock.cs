using NasPrune.Supernet.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NasPrune.Supernet.Tas;

/// <summary>
/// A searchable basic block: conv a (stride, ReLU) and conv b (no ReLU), each with its sampled widths;
/// at stride 2 an avg-pool + 1x1 conv shortcut to conv b's width; the residual sum of unequal widths adds
/// the narrow tensor into the first channels of the wide one; then ReLU.
/// </summary>
public sealed class TasSearchBlock : nn.Module
{
    private readonly TasSearchConv _a;
    private readonly TasSearchConv _b;
    // Named as registered, so Module.to() (device or dtype) puts the moved tensor back into this field.
    [TorchSharp.Utils.ComponentName(Name = "shortcut_weight")] private readonly Parameter? _shortcut;

    public TasSearchBlock(int inPlanes, int planes, int stride, IReadOnlyList<int> widthsA, IReadOnlyList<int> widthsB) : base("tas_search_block")
    {
        Stride = stride;
        _a = new TasSearchConv(inPlanes, planes, 3, stride, widthsA, relu: true);
        _b = new TasSearchConv(planes, planes, 3, 1, widthsB, relu: false);
        register_module("conv_a", _a);
        register_module("conv_b", _b);
        if (stride == 2)
        {
            _shortcut = new Parameter(empty(planes, inPlanes, 1, 1));
            nn.init.kaiming_normal_(_shortcut, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
            register_parameter("shortcut_weight", _shortcut);
        }
    }

    public int Stride { get; }

    public Tensor Forward(Tensor x, (long[] Indices, Tensor Weights) a, (long[] Indices, Tensor Weights) b)
    {
        using var scope = NewDisposeScope();
        Tensor y = _b.Forward(_a.Forward(x, a.Indices, a.Weights), b.Indices, b.Weights);
        Tensor identity = x;
        if (_shortcut is not null)
        {
            Tensor pooled = F.avg_pool2d(x, 2, 2, ceil_mode: true);
            identity = Pointwise.Conv(pooled, _shortcut.slice(0, 0, y.size(1), 1).slice(1, 0, x.size(1), 1));
        }
        return F.relu(Additive(y, identity)).MoveToOuterDisposeScope();
    }

    /// <summary>a + b where the narrower (in channels) is added into the first channels of the wider.</summary>
    public static Tensor Additive(Tensor a, Tensor b)
    {
        long ca = a.size(1), cb = b.size(1);
        if (ca == cb) return a.Plus(b);
        (Tensor wide, Tensor narrow) = ca > cb ? (a, b) : (b, a);
        return wide.Plus(F.pad(narrow, [0, 0, 0, 0, 0, wide.size(1) - narrow.size(1)]));
    }
}

using NasPrune.Supernet.Normalization;
using NasPrune.Supernet.Runtime;
using NasPrune.Supernet.Sparse;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NasPrune.Supernet.Models;

/// <summary>
/// CIFAR-style ResNet basic block: conv3x3-BN-ReLU-conv3x3-BN, plus the input (a 1x1 conv + BN
/// projection when the stride or width changes), then ReLU.
/// </summary>
public sealed class BasicBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly SafeBatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly SafeBatchNorm2d bn2;
    private readonly nn.Module<Tensor, Tensor>? shortcut;
    private readonly PlainLayerKernels? _kernels;

    /// <param name="middleChannels">Width of the first conv (default: <paramref name="outChannels"/>; filter pruning narrows it).</param>
    /// <param name="avgPoolDownsample">Stride-2 shortcut as 2x2 average pooling + 1x1 conv (TAS's derived networks) instead of a strided 1x1 conv + BN.</param>
    /// <param name="kernels">The network's sparse inference kernels, when it has them (see <see cref="CifarResNet.UseSparseKernels"/>).</param>
    public BasicBlock(string name, int inChannels, int outChannels, int stride, int? middleChannels = null, bool avgPoolDownsample = false, PlainLayerKernels? kernels = null) : base(name)
    {
        _kernels = kernels;
        int middle = middleChannels ?? outChannels;
        conv1 = nn.Conv2d(inChannels, middle, 3, stride: stride, padding: 1, bias: false);
        bn1 = new SafeBatchNorm2d(middle);
        conv2 = nn.Conv2d(middle, outChannels, 3, stride: 1, padding: 1, bias: false);
        bn2 = new SafeBatchNorm2d(outChannels);
        if (stride == 2 && avgPoolDownsample)
        {
            shortcut = nn.Sequential(
                ("pool", nn.AvgPool2d(2, stride: 2, ceil_mode: true)),
                ("conv", new PointwiseConv2d(inChannels, outChannels)));
        }
        else if (stride != 1 || inChannels != outChannels)
        {
            shortcut = nn.Sequential(
                ("conv", new PointwiseConv2d(inChannels, outChannels, stride)),
                ("bn", new SafeBatchNorm2d(outChannels)));
        }
        RegisterComponents();
    }

    public Conv2d Conv1 => conv1;
    public SafeBatchNorm2d Bn1 => bn1;
    public Conv2d Conv2 => conv2;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor y = F.relu(bn1.call(Conv(conv1, x)), inplace: true);
        y = bn2.call(Conv(conv2, y));
        Tensor identity = shortcut is null ? x : Shortcut(x);
        return F.relu(y.PlusInPlace(identity), inplace: true).MoveToOuterDisposeScope();
    }

    private Tensor Conv(Conv2d conv, Tensor x) => _kernels is { Enabled: true } kernels ? kernels.Conv(conv, x) : conv.call(x);

    private Tensor Shortcut(Tensor x)
    {
        if (_kernels is not { Enabled: true } kernels) return shortcut!.call(x);
        foreach (nn.Module layer in shortcut!.children())
            x = layer is Convolution conv ? kernels.Conv(conv, x) : ((nn.Module<Tensor, Tensor>)layer).call(x);
        return x;
    }
}

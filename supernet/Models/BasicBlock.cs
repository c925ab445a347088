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
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly nn.Module<Tensor, Tensor>? shortcut;

    /// <param name="middleChannels">Width of the first conv (default: <paramref name="outChannels"/>; filter pruning narrows it).</param>
    /// <param name="avgPoolDownsample">Stride-2 shortcut as 2x2 average pooling + 1x1 conv (TAS's derived networks) instead of a strided 1x1 conv + BN.</param>
    public BasicBlock(string name, int inChannels, int outChannels, int stride, int? middleChannels = null, bool avgPoolDownsample = false) : base(name)
    {
        int middle = middleChannels ?? outChannels;
        conv1 = nn.Conv2d(inChannels, middle, 3, stride: stride, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(middle);
        conv2 = nn.Conv2d(middle, outChannels, 3, stride: 1, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(outChannels);
        if (stride == 2 && avgPoolDownsample)
        {
            shortcut = nn.Sequential(
                ("pool", nn.AvgPool2d(2, stride: 2, ceil_mode: true)),
                ("conv", nn.Conv2d(inChannels, outChannels, 1, bias: false)));
        }
        else if (stride != 1 || inChannels != outChannels)
        {
            shortcut = nn.Sequential(
                ("conv", nn.Conv2d(inChannels, outChannels, 1, stride: stride, bias: false)),
                ("bn", nn.BatchNorm2d(outChannels)));
        }
        RegisterComponents();
    }

    public Conv2d Conv1 => conv1;
    public BatchNorm2d Bn1 => bn1;
    public Conv2d Conv2 => conv2;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor y = F.relu(bn1.call(conv1.call(x)), inplace: true);
        y = bn2.call(conv2.call(y));
        Tensor identity = shortcut is null ? x : shortcut.call(x);
        return F.relu(y.add_(identity), inplace: true).MoveToOuterDisposeScope();
    }
}

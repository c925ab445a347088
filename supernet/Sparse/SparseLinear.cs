using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NasPrune.Supernet.Sparse;

/// <summary>The linear counterpart of <see cref="SparseConv2d"/> (weight masked by the top (1 - p) of |scores|; the bias stays dense).</summary>
public sealed class SparseLinear : SparseLayer
{
    // Named as registered, so Module.to() (device or dtype) puts the moved tensor back into this field.
    [TorchSharp.Utils.ComponentName(Name = "bias")] private readonly Parameter _bias;

    public SparseLinear(int inFeatures, int outFeatures)
        : base("sparse_linear", empty(outFeatures, inFeatures).uniform_(-1 / Math.Sqrt(inFeatures), 1 / Math.Sqrt(inFeatures)), inFeatures)
    {
        _bias = new Parameter(zeros(outFeatures));
        register_parameter("bias", _bias);
    }

    protected override Tensor DenseForward(Tensor x) => F.linear(x, EffectiveWeight(), _bias);

    protected override Tensor SparseForward(Tensor x, CsrMatrix matrix) => SparseKernel.Linear(x, matrix, _bias);
}

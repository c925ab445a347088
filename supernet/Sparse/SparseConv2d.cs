using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NasPrune.Supernet.Sparse;

/// <summary>
/// A convolution with a learned importance score per weight and a target sparsity p (DASS, as the
/// HYDRA-style code the authors use): the forward uses W * M, M keeping the top (1 - p) of |S| exactly;
/// gradients are straight-through (see <see cref="TopKMask.Apply"/>). At p = 0 it is a plain conv. Which
/// of W and S trains is the caller's choice (requires_grad), per phase.
/// </summary>
public sealed class SparseConv2d : nn.Module<Tensor, Tensor>, ISparseLayer
{
    private readonly Parameter _weight;
    private readonly Parameter _scores;
    private readonly long _stride, _padding, _dilation, _groups;

    public SparseConv2d(int inChannels, int outChannels, int kernel, int stride = 1, int padding = 0, int dilation = 1, int groups = 1) : base("sparse_conv")
    {
        _weight = new Parameter(empty(outChannels, inChannels / groups, kernel, kernel));
        nn.init.kaiming_normal_(_weight, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
        _scores = new Parameter(zeros_like(_weight));
        (_stride, _padding, _dilation, _groups) = (stride, padding, dilation, groups);
        register_parameter("weight", _weight);
        register_parameter("scores", _scores);
    }

    public Parameter Weight => _weight;
    public Parameter Scores => _scores;

    /// <summary>Target sparsity of the next forward passes (0: dense).</summary>
    public double Sparsity { get; set; }

    public Tensor Mask() => TopKMask.Compute(_scores, Sparsity);

    public Tensor EffectiveWeight() => SparseScores.Effective(_weight, _scores, Sparsity);

    public void InitialiseScores() => SparseScores.FromWeights(_weight, _scores, fanIn: _weight.shape[1] * _weight.shape[2] * _weight.shape[3]);

    private Tensor? _matrix;

    public bool UseSparseKernel
    {
        get => _matrix is not null;
        set
        {
            _matrix?.Dispose();
            _matrix = null;
            if (!value || _groups != 1) return;
            using var scope = NewDisposeScope();
            _matrix = SparseKernel.Matrix(EffectiveWeight()).MoveToOuterDisposeScope();
        }
    }

    public override Tensor forward(Tensor x) =>
        _matrix is not null && !training
            ? SparseKernel.Conv2d(x, _matrix, _weight.size(2), _stride, _padding, _dilation)
            : F.conv2d(x, EffectiveWeight(), strides: [_stride, _stride], padding: [_padding, _padding], dilation: [_dilation, _dilation], groups: _groups);
}

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NasPrune.Supernet.Sparse;

/// <summary>The linear counterpart of <see cref="SparseConv2d"/> (weight masked by the top (1 - p) of |scores|; the bias stays dense).</summary>
public sealed class SparseLinear : nn.Module<Tensor, Tensor>, ISparseLayer
{
    private readonly Parameter _weight;
    private readonly Parameter _bias;
    private readonly Parameter _scores;

    public SparseLinear(int inFeatures, int outFeatures) : base("sparse_linear")
    {
        double bound = 1 / Math.Sqrt(inFeatures);
        _weight = new Parameter(empty(outFeatures, inFeatures).uniform_(-bound, bound));
        _bias = new Parameter(zeros(outFeatures));
        _scores = new Parameter(zeros_like(_weight));
        register_parameter("weight", _weight);
        register_parameter("bias", _bias);
        register_parameter("scores", _scores);
    }

    public Parameter Weight => _weight;
    public Parameter Scores => _scores;
    public double Sparsity { get; set; }

    public Tensor Mask() => TopKMask.Compute(_scores, Sparsity);

    public Tensor EffectiveWeight() => SparseScores.Effective(_weight, _scores, Sparsity);

    public void InitialiseScores() => SparseScores.FromWeights(_weight, _scores, fanIn: _weight.shape[1]);

    private Tensor? _matrix;

    public bool UseSparseKernel
    {
        get => _matrix is not null;
        set
        {
            _matrix?.Dispose();
            _matrix = null;
            if (!value) return;
            using var scope = NewDisposeScope();
            _matrix = SparseKernel.Matrix(EffectiveWeight()).MoveToOuterDisposeScope();
        }
    }

    public override Tensor forward(Tensor x) =>
        _matrix is not null && !training ? SparseKernel.Linear(x, _matrix, _bias) : F.linear(x, EffectiveWeight(), _bias);
}

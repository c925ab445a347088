using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Sparse;

/// <summary>
/// What <see cref="SparseConv2d"/> and <see cref="SparseLinear"/> share: a dense weight, an importance score
/// per weight, the target sparsity, the masked effective weight, score initialisation and the frozen matrix
/// of the sparse inference kernel. Subclasses supply the initial weight and the forward pass.
/// </summary>
public abstract class SparseLayer : nn.Module<Tensor, Tensor>, ISparseLayer
{
    private readonly Parameter _weight;
    private readonly Parameter _scores;
    private readonly long _fanIn;
    private Tensor? _matrix;

    protected SparseLayer(string name, Tensor initialWeight, long fanIn) : base(name)
    {
        _weight = new Parameter(initialWeight);
        _scores = new Parameter(zeros_like(_weight));
        _fanIn = fanIn;
        register_parameter("weight", _weight);
        register_parameter("scores", _scores);
    }

    public Parameter Weight => _weight;
    public Parameter Scores => _scores;

    /// <summary>Target sparsity of the next forward passes (0: dense).</summary>
    public double Sparsity { get; set; }

    public Tensor Mask() => TopKMask.Compute(_scores, Sparsity);

    public Tensor EffectiveWeight() => SparseScores.Effective(_weight, _scores, Sparsity);

    public void InitialiseScores() => SparseScores.FromWeights(_weight, _scores, _fanIn);

    /// <summary>Whether this layer has a sparse kernel at all (grouped convolutions do not).</summary>
    protected virtual bool HasSparseKernel => true;

    /// <summary>The frozen COO matrix while the sparse kernel is on and the layer is in eval mode, else null.</summary>
    protected Tensor? SparseMatrix => training ? null : _matrix;

    public bool UseSparseKernel
    {
        get => _matrix is not null;
        set
        {
            _matrix?.Dispose();
            _matrix = null;
            if (!value || !HasSparseKernel) return;
            using var scope = NewDisposeScope();
            _matrix = SparseKernel.Matrix(EffectiveWeight()).MoveToOuterDisposeScope();
        }
    }
}

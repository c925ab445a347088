using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Sparse;

/// <summary>
/// What <see cref="SparseConv2d"/> and <see cref="SparseLinear"/> share: a dense weight, an importance score
/// per weight, the target sparsity, the masked effective weight, score initialisation and the frozen matrix
/// of the sparse inference kernel. Subclasses supply the initial weight and the two forward passes.
/// </summary>
public abstract class SparseLayer : nn.Module<Tensor, Tensor>, ISparseLayer, ISparseKernelSwitch
{
    // Named as registered, so Module.to() (device or dtype) puts the moved tensor back into this field.
    [TorchSharp.Utils.ComponentName(Name = "weight")] private readonly Parameter _weight;
    [TorchSharp.Utils.ComponentName(Name = "scores")] private readonly Parameter _scores;
    private readonly long _fanIn;
    private CsrMatrix? _matrix;

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

    /// <summary>Whether this layer has a sparse kernel at all (grouped convolutions do not; see also <see cref="SparseKernel.Supports"/>).</summary>
    protected virtual bool HasSparseKernel => true;

    /// <summary>The masked weight computed densely (training, and inference without the kernel).</summary>
    protected abstract Tensor DenseForward(Tensor x);

    /// <summary>The frozen <paramref name="matrix"/> of the masked weight through <see cref="SparseKernel"/>.</summary>
    protected abstract Tensor SparseForward(Tensor x, CsrMatrix matrix);

    public override Tensor forward(Tensor x) => !training && _matrix is { } matrix ? SparseForward(x, matrix) : DenseForward(x);

    nn.Module<Tensor, Tensor> ISparseKernelSwitch.Layer => this;

    Tensor ISparseKernelSwitch.RunDense(Tensor x) => DenseForward(x);

    Tensor ISparseKernelSwitch.RunSparse(Tensor x) =>
        SparseForward(x, _matrix ?? throw new InvalidOperationException("the sparse kernel of this layer is off"));

    void ISparseKernelSwitch.KeepDense() => UseSparseKernel = false;

    public bool UseSparseKernel
    {
        get => _matrix is not null;
        set
        {
            _matrix = null;
            if (!value || !HasSparseKernel || !SparseKernel.Supports(_weight)) return;
            using var scope = NewDisposeScope();
            _matrix = SparseKernel.Matrix(EffectiveWeight());
        }
    }
}

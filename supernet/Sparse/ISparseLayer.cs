using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Sparse;

/// <summary>A layer with importance scores and a target sparsity (pruners and the DASS phases work through it).</summary>
public interface ISparseLayer
{
    Parameter Weight { get; }
    Parameter Scores { get; }
    double Sparsity { get; set; }
    Tensor Mask();
    Tensor EffectiveWeight();
    void InitialiseScores();

    /// <summary>
    /// Inference through <see cref="SparseKernel"/> with the current masked weight (frozen when set; ignored in
    /// training mode and, for convolutions, when grouped). False returns to the dense masked computation.
    /// </summary>
    bool UseSparseKernel { get; set; }
}

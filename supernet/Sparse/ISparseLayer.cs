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
}

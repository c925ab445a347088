using static TorchSharp.torch;

namespace NasPrune.Supernet.Sparse;

/// <summary>
/// One layer that can run dense or through the sparse kernel (while the network's kernels are on), so that
/// <see cref="SparseKernelTuner"/> can time both on the layer's real input and keep the faster.
/// </summary>
public interface ISparseKernelSwitch
{
    /// <summary>The module whose forward input is this layer's input (for capturing its shape).</summary>
    nn.Module<Tensor, Tensor> Layer { get; }

    Tensor RunDense(Tensor x);

    Tensor RunSparse(Tensor x);

    /// <summary>From now on this layer runs dense, the others keep their choice.</summary>
    void KeepDense();
}

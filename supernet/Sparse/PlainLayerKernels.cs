using NasPrune.Supernet.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Sparse;

/// <summary>
/// The sparse inference kernel for a network built from plain convolution (nn.Conv2d, PointwiseConv2d) and Linear layers whose weights hold
/// zeros (magnitude pruning stores its masked weights that way): the frozen CSR matrix of each layer, and
/// forward helpers the network routes its layers through. Off, or in training mode, they are the layers'
/// own forward passes. This is what lets a pruned ResNet be timed with the same kernel as the sparse
/// operators of a DASS network (<see cref="SparseLayer"/>), without its own layer types.
/// </summary>
public sealed class PlainLayerKernels
{
    private readonly Dictionary<nn.Module, CsrMatrix> _matrices = new(ReferenceEqualityComparer.Instance);

    public bool Enabled => _matrices.Count > 0;

    /// <summary>Freezes the current weights of <paramref name="layers"/> (grouped convolutions, and layers off the CPU, stay dense), or drops the matrices.</summary>
    public void Use(bool on, IEnumerable<nn.Module> layers)
    {
        _matrices.Clear();
        if (!on) return;
        foreach (nn.Module layer in layers)
        {
            Tensor? weight = layer switch
            {
                Convolution conv when conv.groups == 1 && conv.padding is not null => conv.weight,
                Linear linear => linear.weight,
                _ => null,
            };
            if (weight is not null && SparseKernel.Supports(weight)) _matrices[layer] = SparseKernel.Matrix(weight);
        }
    }

    public Tensor Conv(Convolution conv, Tensor x)
    {
        if (conv.training || !_matrices.TryGetValue(conv, out CsrMatrix? matrix)) return conv.call(x);
        if (conv.kernel_size[0] != conv.kernel_size[1] || conv.stride[0] != conv.stride[1] || conv.padding![0] != conv.padding[1] || conv.dilation[0] != conv.dilation[1])
            throw new NotSupportedException("the sparse kernel takes square kernels, strides, padding and dilation");
        Tensor y = SparseKernel.Conv2d(x, matrix, conv.kernel_size[0], conv.stride[0], conv.padding[0], conv.dilation[0]);
        if (conv.bias is null) return y;
        using (y) return y.Plus(conv.bias.view(1, -1, 1, 1));
    }

    public Tensor Linear(Linear linear, Tensor x) =>
        !linear.training && _matrices.TryGetValue(linear, out CsrMatrix? matrix) ? SparseKernel.Linear(x, matrix, linear.bias) : linear.call(x);

    /// <summary>The layers that run through the kernel now, one switch each (see <see cref="SparseKernelTuner"/>).</summary>
    public IReadOnlyList<ISparseKernelSwitch> Switches() => _matrices.Keys.Select(layer => (ISparseKernelSwitch)new Switch(this, layer)).ToList();

    private sealed class Switch(PlainLayerKernels kernels, nn.Module layer) : ISparseKernelSwitch
    {
        public nn.Module<Tensor, Tensor> Layer => (nn.Module<Tensor, Tensor>)layer;

        public Tensor RunDense(Tensor x) => Layer.call(x);

        public Tensor RunSparse(Tensor x) => layer switch
        {
            Convolution conv => kernels.Conv(conv, x),
            Linear linear => kernels.Linear(linear, x),
            _ => throw new InvalidOperationException($"no sparse kernel for {layer.GetType().Name}"),
        };

        public void KeepDense() => kernels._matrices.Remove(layer);
    }
}

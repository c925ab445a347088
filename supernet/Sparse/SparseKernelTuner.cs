using NasPrune.Supernet.Runtime;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Sparse;

/// <summary>What the tuner measured for one layer (on an input of this shape and layout), and whether the layer keeps the sparse kernel.</summary>
public sealed record KernelChoice(string Layer, long[] InputShape, bool ChannelsLast, double DenseSeconds, double SparseSeconds, bool Sparse);

/// <summary>
/// Uses the sparse kernel only where it is faster on this device: each layer is timed dense and sparse on an
/// input of the shape it really receives in the network (captured with forward hooks on one dense pass of
/// <c>sample</c>), and keeps the sparse kernel only when that is faster by more than <c>margin</c>. Whether a
/// COO matmul beats a dense convolution depends on the layer's shape, sparsity, batch and the CPU, so it is
/// measured rather than guessed, as the latency tables do for operators. The timing input has the captured
/// input's memory layout too: a channels-last activation takes other paths, in the kernel and in libtorch,
/// than an NCHW one of the same shape. Timing is the caller's (a median of repeats), which keeps measuring
/// policy out of this layer.
/// </summary>
public static class SparseKernelTuner
{
    /// <param name="useSparseKernels">Switches the whole network's kernels on or off.</param>
    /// <param name="switches">The layers running through the kernel while it is on, by name.</param>
    /// <param name="seconds">Median wall time of an action.</param>
    public static IReadOnlyList<KernelChoice> Choose(
        nn.Module<Tensor, Tensor> net, Tensor sample, Action<bool> useSparseKernels,
        Func<IReadOnlyList<(string Name, ISparseKernelSwitch Switch)>> switches, Func<Action, double> seconds, double margin = 0.05)
    {
        net.eval();
        using var noGrad = no_grad();
        useSparseKernels(true);
        var layers = switches();
        var inputs = CaptureInputs(net, sample, layers.Select(l => l.Switch.Layer).ToList(), useSparseKernels);
        useSparseKernels(true);

        var choices = new List<KernelChoice>();
        for (int i = 0; i < layers.Count; i++)
        {
            var (name, layer) = layers[i];
            if (inputs[i] is not var (shape, channelsLast)) continue; // not reached by this input: nothing to gain or lose
            using var scope = NewDisposeScope();
            Tensor x = randn(shape, dtype: sample.dtype, device: sample.device);
            if (channelsLast) x = ChannelsLast.Apply(x);
            double dense = seconds(() => layer.RunDense(x).Dispose());
            double sparse = seconds(() => layer.RunSparse(x).Dispose());
            bool keep = sparse < dense * (1 - margin);
            if (!keep) layer.KeepDense();
            choices.Add(new KernelChoice(name, shape, channelsLast, dense, sparse, keep));
        }
        return choices;
    }

    /// <summary>The input shape and layout of each layer's first call in one dense forward pass (null if never called).</summary>
    private static (long[] Shape, bool ChannelsLast)?[] CaptureInputs(nn.Module<Tensor, Tensor> net, Tensor sample, IReadOnlyList<nn.Module<Tensor, Tensor>> layers, Action<bool> useSparseKernels)
    {
        var shapes = new (long[] Shape, bool ChannelsLast)?[layers.Count];
        var removers = new List<Action>();
        try
        {
            useSparseKernels(false);
            for (int i = 0; i < layers.Count; i++)
            {
                int index = i;
                removers.Add(layers[i].register_forward_hook((_, input, output) =>
                {
                    shapes[index] ??= (input.shape, ChannelsLast.HasChannelsInnermost(input));
                    return output;
                }).remove);
            }
            net.call(sample).Dispose();
            return shapes;
        }
        finally
        {
            foreach (Action remove in removers) remove();
        }
    }
}

using NasPrune.Supernet.Sparse;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Runtime;

/// <summary>
/// Size and cost of every weight layer of a network, measured rather than derived from an architecture
/// description, so it holds for any network (ResNets, OFA twins, TAS networks, sparse DASS cells) and sees
/// the weights as they are: unstructured pruning leaves a layer's shape alone and only zeroes weights, so
/// its cost shows only in the non-zero counts.
/// </summary>
public static class LayerCosts
{
    /// <summary>
    /// Per weight layer (TorchSharp convolutions (Conv2d, PointwiseConv2d) and Linear, and <see cref="SparseConv2d"/> / <see cref="SparseLinear"/>
    /// with their effective masked weight), in module order: weight count, non-zero weights, MACs per image and
    /// non-zero MACs (= output positions x non-zero weights), for one forward pass of an input of
    /// <paramref name="inputShape"/> (batch first, e.g. [1, 1, 28, 28]; figures are per image for any batch),
    /// measured with forward hooks in eval mode without gradients. A conv's MACs are out_h x out_w x its weight's
    /// elements (the weight is already [out, in / groups, kh, kw]); a linear layer's are its weight's elements
    /// per input row. A layer the forward pass does not reach costs 0 MACs; one it reaches twice counts twice.
    /// Every module's train/eval mode is restored afterwards.
    /// </summary>
    public static IReadOnlyList<LayerCost> Measure(nn.Module<Tensor, Tensor> model, long[] inputShape, Device device)
    {
        if (inputShape.Length < 2 || inputShape.Any(d => d < 1))
            throw new ArgumentException($"inputShape must be batch first with positive sizes (e.g. [1, 1, 28, 28]), got [{string.Join(", ", inputShape)}]");
        var layers = Layers(model);
        var positions = new long[layers.Count];
        var modes = ModuleTree.All<nn.Module>(model).Select(m => (Module: m, m.training)).ToList();
        bool rootTraining = model.training;
        var handles = new List<Action>();
        try
        {
            for (int i = 0; i < layers.Count; i++)
            {
                int index = i;
                long outputs = Stored(layers[i].Module).shape[0];
                handles.Add(layers[i].Module.register_forward_hook((_, _, y) =>
                {
                    positions[index] += y.numel() / (inputShape[0] * outputs);
                    return y;
                }).remove);
            }
            model.eval();
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            ScalarType dtype = model.parameters().FirstOrDefault()?.dtype ?? ScalarType.Float32;
            model.call(zeros(inputShape, dtype: dtype, device: device));
            return layers.Select((layer, i) =>
            {
                Tensor weight = Effective(layer.Module);
                long count = weight.numel(), nonZero = weight.count_nonzero().item<long>();
                return new LayerCost(layer.Name, count, nonZero, positions[i] * count, positions[i] * nonZero);
            }).ToList();
        }
        finally
        {
            foreach (Action remove in handles) remove();
            // Parents first: train(bool) sets a module's whole subtree, so each module ends with its own mode.
            model.train(rootTraining);
            foreach (var (module, training) in modes) module.train(training);
        }
    }

    /// <summary>The weight layers under <paramref name="model"/> (itself included), once each, named by their module path.</summary>
    private static List<(string Name, nn.Module<Tensor, Tensor> Module)> Layers(nn.Module<Tensor, Tensor> model) =>
        new[] { ("", (nn.Module)model) }.Concat(model.named_modules())
            .DistinctBy(m => m.Item2, ReferenceEqualityComparer.Instance)
            .Where(m => m.Item2 is Convolution or Linear or SparseConv2d or SparseLinear)
            .Select(m => (m.Item1, (nn.Module<Tensor, Tensor>)m.Item2))
            .ToList();

    private static Parameter Stored(nn.Module<Tensor, Tensor> layer) => layer switch
    {
        ISparseLayer sparse => sparse.Weight,
        Convolution conv => conv.weight!,
        Linear linear => linear.weight!,
        _ => throw new ArgumentException($"{layer.GetType().Name} is not a weight layer"),
    };

    /// <summary>The weight a layer multiplies with: a sparse layer's masked weight, else its weight.</summary>
    private static Tensor Effective(nn.Module<Tensor, Tensor> layer) => layer is ISparseLayer sparse ? sparse.EffectiveWeight() : Stored(layer);
}

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Pruning;

/// <summary>
/// Unstructured magnitude pruning of any module: a 0/1 mask per prunable weight, recomputed by
/// <see cref="GlobalMagnitudePruning"/> (one threshold over all layers) and multiplied into the weights.
/// Prunable are the parameters named "weight" (or "....weight") with two or more dimensions: the conv and
/// linear weights, stem, shortcut convs and classifier included (a per-layer minimum share keeps small layers
/// alive), but not BatchNorm scales or biases (one dimension) nor a sparse layer's scores. The masks are run
/// state: they belong in every checkpoint beside the weights (<see cref="State"/>), so a resumed run keeps them
/// exactly. Build this after the module has moved to its device.
/// </summary>
public sealed class MagnitudeMasks : IDisposable
{
    private readonly List<(string Name, Parameter Weight, Tensor Mask)> _layers;

    public MagnitudeMasks(nn.Module module)
    {
        _layers = module.named_parameters()
            .Where(p => IsPrunable(p.name, p.parameter))
            .Select(p => (p.name, p.parameter, ones_like(p.parameter).DetachFromDisposeScope()))
            .ToList();
        if (_layers.Count == 0) throw new ArgumentException("the module has no prunable weights (conv or linear weights of two or more dimensions)");
    }

    /// <summary>The rule above: a parameter named "weight" with at least two dimensions.</summary>
    public static bool IsPrunable(string name, Tensor parameter) =>
        (name == "weight" || name.EndsWith(".weight", StringComparison.Ordinal)) && parameter.dim() >= 2;

    /// <summary>The prunable weights with their current masks (1 keeps, 0 prunes), in parameter order.</summary>
    public IReadOnlyList<(string Name, Parameter Weight, Tensor Mask)> Layers => _layers;

    public long PrunableWeights => _layers.Sum(l => l.Weight.numel());

    /// <summary>Prunable weights that are exactly zero now.</summary>
    public long ZeroWeights
    {
        get
        {
            using var noGrad = no_grad();
            return _layers.Sum(l => l.Weight.numel() - l.Weight.count_nonzero().item<long>());
        }
    }

    /// <summary>The achieved share of zeros over the prunable weights.</summary>
    public double Sparsity => (double)ZeroWeights / PrunableWeights;

    /// <summary>
    /// Recomputes the masks from the current weights so that round(<paramref name="sparsity"/> x N) of the N
    /// prunable weights are pruned, every layer keeping at least <paramref name="minKeep"/> of its own, and
    /// applies them. Weights already pruned are zero, so they stay pruned as long as the sparsity does not fall.
    /// </summary>
    public void Prune(double sparsity, double minKeep)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        IReadOnlyList<Tensor> masks = GlobalMagnitudePruning.Masks(_layers.Select(l => (Tensor)l.Weight).ToList(), sparsity, minKeep);
        for (int i = 0; i < _layers.Count; i++) _layers[i].Mask.copy_(masks[i]);
        Apply();
    }

    /// <summary>
    /// Zeroes the pruned weights. Call after every optimiser step: momentum and weight decay move pruned
    /// weights away from zero, and only this keeps them exactly zero.
    /// </summary>
    public void Apply()
    {
        using var noGrad = no_grad();
        foreach (var (_, weight, mask) in _layers) weight.mul_(mask);
    }

    /// <summary>The masks named <c>prefix + parameter name</c>.</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> State(string prefix) =>
        _layers.Select(l => KeyValuePair.Create(prefix + l.Name, l.Mask));

    /// <summary>Restores the masks written by <see cref="State"/>; every mask must be present with its weight's shape.</summary>
    public void LoadState(IReadOnlyDictionary<string, Tensor> tensors, string prefix, string source)
    {
        foreach (var (name, _, mask) in _layers)
            if (!tensors.TryGetValue(prefix + name, out Tensor? value) || !value.shape.SequenceEqual(mask.shape))
                throw new InvalidDataException($"{source}: pruning mask '{prefix + name}' is missing or has the wrong shape");
        using var noGrad = no_grad();
        foreach (var (name, _, mask) in _layers) mask.copy_(tensors[prefix + name]);
    }

    public void Dispose()
    {
        foreach (var (_, _, mask) in _layers) mask.Dispose();
    }
}

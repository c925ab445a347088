using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Serialization;

/// <summary>Copies a module's state (parameters and buffers, PyTorch names) to and from named tensors.</summary>
public static class ModuleState
{
    /// <summary>
    /// The module's state dict with every name prefixed (e.g. "model."), each tensor once. TorchSharp's state dict
    /// lists a submodule under its registered name and again under its C# field name (<c>head.feature_mix_conv</c> and
    /// <c>head._featureMixConv</c>, three times when nested), which made every file 2-3x its size. Only the first
    /// name of each tensor is kept: the registered one, which comes first. Loading fills the aliases through it,
    /// and files written with the aliases still load.
    /// </summary>
    public static IEnumerable<KeyValuePair<string, Tensor>> Named(nn.Module module, string prefix = "")
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (name, tensor) in module.state_dict())
            if (seen.Add(tensor)) yield return new KeyValuePair<string, Tensor>(prefix + name, tensor);
    }

    /// <summary>
    /// Copies tensors named <c>prefix + key</c> into the module's state in place. Every state entry must be
    /// present with the same shape and dtype; otherwise throws <see cref="InvalidDataException"/> naming
    /// the first entry that does not fit, and the module is left unchanged.
    /// </summary>
    public static void Load(nn.Module module, IReadOnlyDictionary<string, Tensor> tensors, string prefix, string source)
    {
        var state = Named(module, prefix).ToList();
        foreach (var (key, target) in state)
        {
            if (!tensors.TryGetValue(key, out Tensor? value))
                throw new InvalidDataException($"{source}: '{key}' is missing; the file does not fit this model");
            if (!value.shape.SequenceEqual(target.shape) || value.dtype != target.dtype)
                throw new InvalidDataException(
                    $"{source}: '{key}' has shape [{string.Join(",", value.shape)}] {value.dtype}, the model needs [{string.Join(",", target.shape)}] {target.dtype}");
        }
        using var noGrad = no_grad();
        foreach (var (key, target) in state) target.copy_(tensors[key]);
        Runtime.InferenceCaches.Clear(module);
    }
}

using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Serialization;

/// <summary>Copies a module's state (parameters and buffers, PyTorch names) to and from named tensors.</summary>
public static class ModuleState
{
    /// <summary>The module's state dict with every name prefixed (e.g. "model.").</summary>
    public static IEnumerable<KeyValuePair<string, Tensor>> Named(nn.Module module, string prefix = "") =>
        module.state_dict().Select(kv => new KeyValuePair<string, Tensor>(prefix + kv.Key, kv.Value));

    /// <summary>
    /// Copies tensors named <c>prefix + key</c> into the module's state in place. Every state entry must be
    /// present with the same shape and dtype; otherwise throws <see cref="InvalidDataException"/> naming
    /// the first entry that does not fit, and the module is left unchanged.
    /// </summary>
    public static void Load(nn.Module module, IReadOnlyDictionary<string, Tensor> tensors, string prefix, string source)
    {
        var state = module.state_dict();
        foreach (var (key, target) in state)
        {
            if (!tensors.TryGetValue(prefix + key, out Tensor? value))
                throw new InvalidDataException($"{source}: '{prefix + key}' is missing; the file does not fit this model");
            if (!value.shape.SequenceEqual(target.shape) || value.dtype != target.dtype)
                throw new InvalidDataException(
                    $"{source}: '{prefix + key}' has shape [{string.Join(",", value.shape)}] {value.dtype}, the model needs [{string.Join(",", target.shape)}] {target.dtype}");
        }
        using var noGrad = no_grad();
        foreach (var (key, target) in state) target.copy_(tensors[prefix + key]);
        Runtime.InferenceCaches.Clear(module);
    }
}

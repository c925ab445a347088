using static TorchSharp.torch;

namespace NasPrune.Supernet.Runtime;

/// <summary>Finds NaN or infinite values in named tensors (a diverged run's state must not reach a checkpoint).</summary>
public static class NonFinite
{
    /// <summary>The name of the first floating-point tensor holding a NaN or an infinity, else null.</summary>
    public static string? FirstName(IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (name, tensor) in tensors)
            if (tensor.is_floating_point() && !tensor.isfinite().all().item<bool>()) return name;
        return null;
    }
}

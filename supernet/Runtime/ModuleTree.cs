using static TorchSharp.torch;

namespace NasPrune.Supernet.Runtime;

/// <summary>
/// Walks a module tree once per module. TorchSharp's modules() can yield a module more than once
/// (seen with ModuleList children), which would register hooks twice or count a layer twice.
/// </summary>
public static class ModuleTree
{
    public static IReadOnlyList<T> All<T>(nn.Module root) where T : nn.Module =>
        root.modules().OfType<T>().Distinct(ReferenceEqualityComparer.Instance).Cast<T>().ToList();

    /// <summary>Number of trainable values (parameters' elements) in the module.</summary>
    public static long ParameterCount(nn.Module root) => root.parameters().Sum(p => p.numel());
}

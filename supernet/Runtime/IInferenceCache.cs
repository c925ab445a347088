using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Runtime;

/// <summary>
/// A module that caches work derived from its weights for inference. Whoever changes weights outside
/// a training step (loading a state, channel sorting) clears the caches with <see cref="InferenceCaches.Clear"/>.
/// </summary>
public interface IInferenceCache
{
    void ClearInferenceCache();
}

public static class InferenceCaches
{
    /// <summary>Clears the caches of every module in the tree.</summary>
    public static void Clear(nn.Module root)
    {
        foreach (nn.Module module in ModuleTree.All<nn.Module>(root))
            if (module is IInferenceCache cache) cache.ClearInferenceCache();
    }
}

using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Sparse;

/// <summary>Whole-network operations on the sparse operators of a module tree (the DASS / HYDRA phases work through these).</summary>
public static class SparseNetwork
{
    /// <summary>Every sparse operator, by module path, in module order.</summary>
    public static IReadOnlyList<(string Name, ISparseLayer Layer)> Layers(nn.Module module) =>
        module.named_modules().Where(m => m.module is ISparseLayer).Select(m => (m.name, (ISparseLayer)m.module)).ToList();

    /// <summary>
    /// The model's parameters without the sparse operators' importance scores: those only choose a mask, and a
    /// trained network's file stores them zeroed. What a parameter count should report for any model.
    /// </summary>
    public static long ModelParameterCount(nn.Module module) =>
        module.parameters().Sum(p => p.numel()) - Layers(module).Sum(l => l.Layer.Scores.numel());

    public static void SetSparsity(nn.Module module, double sparsity)
    {
        if (sparsity is < 0 or >= 1) throw new ArgumentException($"sparsity: must be in [0, 1), got {sparsity}");
        foreach (var (_, layer) in Layers(module)) layer.Sparsity = sparsity;
    }

    public static void InitialiseScores(nn.Module module)
    {
        foreach (var (_, layer) in Layers(module)) layer.InitialiseScores();
    }

    /// <summary>
    /// Writes W * M into the weights and sets sparsity 0 (scores zeroed): the exported form, whose zeros are
    /// stored and which runs as a plain dense network with the same outputs.
    /// </summary>
    public static void BakeMasks(nn.Module module)
    {
        using var noGrad = no_grad();
        foreach (var (_, layer) in Layers(module))
        {
            if (layer.Sparsity > 0)
                using (Tensor mask = layer.Mask())
                    layer.Weight.mul_(mask);
            layer.Sparsity = 0;
            layer.Scores.zero_();
        }
    }

    /// <summary>Switches every sparse operator to (or back from) the sparse inference kernel; see <see cref="ISparseLayer.UseSparseKernel"/>.</summary>
    public static void UseSparseKernels(nn.Module module, bool on)
    {
        foreach (var (_, layer) in Layers(module)) layer.UseSparseKernel = on;
    }

    /// <summary>The sparse operators whose kernel is on (grouped convolutions have none), by module path.</summary>
    public static IReadOnlyList<(string Name, ISparseKernelSwitch Switch)> KernelSwitches(nn.Module module) =>
        Layers(module).Where(l => l.Layer.UseSparseKernel && l.Layer is ISparseKernelSwitch).Select(l => (l.Name, (ISparseKernelSwitch)l.Layer)).ToList();

    /// <summary>Share of weights each sparse operator keeps (non-zero in its effective weight).</summary>
    public static IReadOnlyList<(string Name, long Weights, double Density)> Densities(nn.Module module)
    {
        using var noGrad = no_grad();
        return Layers(module).Select(l =>
        {
            using var scope = NewDisposeScope(); // the effective weight may be the parameter itself: only temporaries are disposed
            Tensor effective = l.Layer.EffectiveWeight();
            return (l.Name, effective.numel(), (double)effective.count_nonzero().item<long>() / effective.numel());
        }).ToList();
    }
}

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasPrune.Training.Loops;

/// <summary>
/// While held, some parameters of a module take no gradient, so autograd leaves their part of the backward pass out
/// (for a convolution or a linear layer its weight gradient, about as costly as the layer's forward). For the two
/// steps of a bi-level search: the architecture step would compute every weight's gradient only to throw it away,
/// and the weight step every architecture logit's. The gradients a step keeps are the same bit for bit (tested),
/// except where a kernel is chosen by whether a gradient passes through it (a DARTS search network's dilated
/// convolutions before the first paused weights: libtorch's kernel instead of the polyphase form; float rounding).
/// On a TAS search epoch it measured no faster (experiments/results/fmnist-tas.md): the search network's time is
/// elsewhere. It stays because it is exact and spares the step gradients it would discard.
/// Parameters that took no gradient before are left so on release.
/// </summary>
public sealed class GradientPause : IDisposable
{
    private readonly List<Parameter> _paused;

    private GradientPause(List<Parameter> paused)
    {
        _paused = paused;
        foreach (Parameter p in _paused) p.requires_grad = false;
    }

    /// <summary>Pauses the parameters of <paramref name="module"/> whose names <paramref name="paused"/> selects.</summary>
    public static GradientPause Of(nn.Module module, Func<string, bool> paused) =>
        new(module.named_parameters().Where(p => paused(p.name) && p.parameter.requires_grad).Select(p => p.parameter).ToList());

    public void Dispose()
    {
        foreach (Parameter p in _paused) p.requires_grad = true;
        _paused.Clear();
    }
}

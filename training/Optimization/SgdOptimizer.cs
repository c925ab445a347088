using NasPrune.Supernet.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasPrune.Training.Optimization;

/// <summary>
/// SGD with (Nesterov) momentum and decoupled parameter groups, written out so that its whole state
/// (one momentum buffer per parameter) can be checkpointed and restored bit-exactly by name.
/// Same update as torch.optim.SGD with dampening 0:
/// d = g + wd * p; b = mu * b + d; d = nesterov ? d + mu * b : b; p -= lr * d.
/// Weight decay applies only to parameters with more than one dimension (conv and linear weights),
/// not to BatchNorm parameters or biases.
/// </summary>
public sealed class SgdOptimizer : IDisposable
{
    private readonly List<Entry> _entries;
    private readonly double _momentum;
    private readonly double _weightDecay;
    private readonly bool _nesterov;

    private sealed record Entry(string Name, Parameter Parameter, Tensor Buffer, double WeightDecay);

    public SgdOptimizer(IEnumerable<(string Name, Parameter Parameter)> parameters, double momentum, bool nesterov, double weightDecay)
    {
        if (nesterov && momentum <= 0) throw new ArgumentException("Nesterov momentum needs momentum > 0");
        _momentum = momentum;
        _weightDecay = weightDecay;
        _nesterov = nesterov;
        _entries = parameters
            .Where(p => p.Parameter.requires_grad)
            .Select(p => new Entry(p.Name, p.Parameter, zeros_like(p.Parameter).DetachFromDisposeScope(), p.Parameter.dim() > 1 ? weightDecay : 0.0))
            .ToList();
    }

    public int ParameterCount => _entries.Count;

    /// <summary>Parameters that get weight decay (for logs and tests).</summary>
    public IEnumerable<string> DecayedParameters => _entries.Where(e => e.WeightDecay > 0).Select(e => e.Name);

    /// <summary>
    /// Drops the gradients (PyTorch's zero_grad(set_to_none=True)): a parameter that the next step does
    /// not reach has no gradient and is left alone by <see cref="Step"/>. So what a step does depends on
    /// that step only, not on which parameters earlier steps reached; a run resumed from a checkpoint
    /// (which has no gradients) continues exactly, also when sub-networks leave parameters unused.
    /// </summary>
    public void ZeroGrad()
    {
        foreach (Entry e in _entries)
        {
            Tensor? grad = e.Parameter.grad;
            if (grad is null) continue;
            e.Parameter.grad = null;
            grad.Dispose();
        }
    }

    /// <summary>
    /// Scales the gradients of this optimiser's parameters so that their global L2 norm is at most
    /// <paramref name="max"/> (DARTS clips at 5). Only its own: in a bi-level search the other level's
    /// parameters may still hold gradients from their last step, which must not count here.
    /// </summary>
    public void ClipGradNorm(double max)
    {
        var withGradients = _entries.Select(e => e.Parameter).Where(p => p.grad is not null).ToList();
        if (withGradients.Count > 0) nn.utils.clip_grad_norm_(withGradients, max);
    }

    public void Step(double lr)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // One Scalar per number for the whole step, alive until it ends (ScalarMath says why).
        using Scalar momentum = _momentum.ToScalar(), decay = _weightDecay.ToScalar(), step = (-lr).ToScalar();
        foreach (Entry e in _entries)
        {
            Tensor? grad = e.Parameter.grad;
            if (grad is null) continue;
            Tensor d = e.WeightDecay > 0 ? grad.add(e.Parameter, decay) : grad; // an entry's decay is 0 or the optimiser's
            if (_momentum > 0)
            {
                e.Buffer.mul_(momentum).PlusInPlace(d);
                d = _nesterov ? d.add(e.Buffer, momentum) : e.Buffer;
            }
            e.Parameter.add_(d, step);
        }
    }

    /// <summary>Zeroes the momentum buffers: a new phase starts as with a new optimiser.</summary>
    public void ResetMomentum()
    {
        using var noGrad = no_grad();
        foreach (Entry e in _entries) e.Buffer.zero_();
    }

    /// <summary>Momentum buffers named "momentum.{parameter name}".</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> State() =>
        _entries.Select(e => new KeyValuePair<string, Tensor>($"momentum.{e.Name}", e.Buffer));

    /// <summary>Restores the buffers written by <see cref="State"/>; every buffer must be present with its shape.</summary>
    public void LoadState(IReadOnlyDictionary<string, Tensor> tensors, string prefix, string source)
    {
        foreach (Entry e in _entries)
        {
            string key = $"{prefix}momentum.{e.Name}";
            if (!tensors.TryGetValue(key, out Tensor? value) || !value.shape.SequenceEqual(e.Buffer.shape))
                throw new InvalidDataException($"{source}: optimiser state '{key}' is missing or has the wrong shape");
        }
        using var noGrad = no_grad();
        foreach (Entry e in _entries) e.Buffer.copy_(tensors[$"{prefix}momentum.{e.Name}"]);
    }

    public void Dispose()
    {
        foreach (Entry e in _entries) e.Buffer.Dispose();
    }
}

using NasPrune.Supernet.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NasPrune.Training.Optimization;

/// <summary>
/// Adam with L2 weight decay added to the gradient (torch.optim.Adam's weight_decay), written out so
/// its state (step count, first and second moments per parameter) checkpoints by name, bit-exactly.
/// TAS uses it for the architecture logits.
/// </summary>
public sealed class AdamOptimizer : IDisposable
{
    private readonly List<(string Name, Parameter Parameter, Tensor M, Tensor V)> _entries;
    private readonly double _lr, _beta1, _beta2, _eps, _weightDecay;
    private readonly Tensor _steps = zeros(1, dtype: int64).DetachFromDisposeScope();

    public AdamOptimizer(IEnumerable<(string Name, Parameter Parameter)> parameters, double lr, double beta1, double beta2, double weightDecay, double eps = 1e-8)
    {
        (_lr, _beta1, _beta2, _eps, _weightDecay) = (lr, beta1, beta2, eps, weightDecay);
        _entries = parameters.Select(p => (p.Name, p.Parameter, zeros_like(p.Parameter).DetachFromDisposeScope(), zeros_like(p.Parameter).DetachFromDisposeScope())).ToList();
    }

    public void ZeroGrad()
    {
        foreach (var e in _entries)
        {
            Tensor? grad = e.Parameter.grad;
            if (grad is null) continue;
            e.Parameter.grad = null;
            grad.Dispose();
        }
    }

    public void Step()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        _steps.PlusInPlace(1L);
        long t = _steps.item<long>();
        double correction1 = 1 - Math.Pow(_beta1, t), correction2 = 1 - Math.Pow(_beta2, t);
        // One Scalar per number for the whole step, alive until it ends (ScalarMath says why).
        using Scalar beta1 = _beta1.ToScalar(), gradShare = (1 - _beta1).ToScalar(), beta2 = _beta2.ToScalar(),
            squareShare = (1 - _beta2).ToScalar(), correction = correction2.ToScalar(), eps = _eps.ToScalar(),
            decay = _weightDecay.ToScalar(), stepSize = (-_lr / correction1).ToScalar();
        foreach (var (_, p, m, v) in _entries)
        {
            Tensor? grad = p.grad;
            if (grad is null) continue;
            Tensor g = _weightDecay > 0 ? grad.add(p, decay) : grad;
            m.mul_(beta1).add_(g, gradShare);
            v.mul_(beta2).addcmul_(g, g, value: squareShare);
            Tensor denominator = v.div(correction).sqrt_().PlusInPlace(eps);
            p.addcdiv_(m, denominator, value: stepSize);
        }
    }

    public IEnumerable<KeyValuePair<string, Tensor>> State() =>
        _entries.SelectMany(e => new[] { KeyValuePair.Create($"m.{e.Name}", e.M), KeyValuePair.Create($"v.{e.Name}", e.V) })
            .Append(KeyValuePair.Create("steps", _steps));

    public void LoadState(IReadOnlyDictionary<string, Tensor> tensors, string prefix, string source)
    {
        foreach (var (key, target) in State())
            if (!tensors.TryGetValue(prefix + key, out Tensor? value) || !value.shape.SequenceEqual(target.shape))
                throw new InvalidDataException($"{source}: optimiser state '{prefix + key}' is missing or has the wrong shape");
        using var noGrad = no_grad();
        foreach (var (key, target) in State()) target.copy_(tensors[prefix + key]);
    }

    public void Reset()
    {
        using var noGrad = no_grad();
        foreach (var (_, _, m, v) in _entries)
        {
            m.zero_();
            v.zero_();
        }
        _steps.zero_();
    }

    public void Dispose()
    {
        foreach (var (_, _, m, v) in _entries)
        {
            m.Dispose();
            v.Dispose();
        }
        _steps.Dispose();
    }
}

using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Training.Optimization;

/// <summary>
/// A trained module with its SGD optimiser (training.momentum / nesterov / weightDecay), checkpointed
/// together under a name prefix: "{prefix}." + the module's state and "{prefix}optim." + the momentum buffers.
/// </summary>
/// <param name="trains">Which parameters (by name) the optimiser updates; default all.</param>
public sealed class OptimizedModule(nn.Module<Tensor, Tensor> module, double momentum, bool nesterov, double weightDecay, string prefix = "",
    Func<string, bool>? trains = null) : IDisposable
{
    private readonly SgdOptimizer _optimizer = new(module.named_parameters().Where(p => trains?.Invoke(p.name) ?? true).Select(p => (p.name, p.parameter)),
        momentum, nesterov, weightDecay);

    public nn.Module<Tensor, Tensor> Module { get; } = module;
    public SgdOptimizer Optimizer => _optimizer;

    public string ModelPrefix => prefix + "model.";
    public string OptimizerPrefix => prefix + "optim.";

    public IEnumerable<KeyValuePair<string, Tensor>> State() =>
        Supernet.Serialization.ModuleState.Named(Module, ModelPrefix)
            .Concat(_optimizer.State().Select(kv => KeyValuePair.Create(OptimizerPrefix + kv.Key, kv.Value)));

    public void LoadState(IReadOnlyDictionary<string, Tensor> tensors, string source)
    {
        Supernet.Serialization.ModuleState.Load(Module, tensors, ModelPrefix, source);
        _optimizer.LoadState(tensors, OptimizerPrefix, source);
    }

    public void Dispose()
    {
        _optimizer.Dispose();
        Module.Dispose();
    }
}

using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Ofa.Static;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NasPrune.Training.Shrinking;

/// <summary>
/// The frozen teacher of progressive shrinking: a static copy of the largest network, without
/// gradients. With BN mode "batch" it runs in train mode (batch statistics, head dropout active), as the
/// reference does; with "running" in eval mode.
/// </summary>
public sealed class Teacher : IDisposable
{
    private readonly StaticOfaNet _net;
    private readonly bool _batchStatistics;

    public Teacher(StaticOfaNet net, string bnMode, Device device)
    {
        _net = net;
        _batchStatistics = bnMode == "batch";
        foreach (var p in _net.parameters()) p.requires_grad = false;
        _net.to(device);
        _net.train(_batchStatistics);
    }

    public SubnetConfig Config => _net.Config;

    /// <summary>The frozen network (for inspection; it is never trained).</summary>
    public nn.Module<Tensor, Tensor> Network => _net;

    /// <summary>The teacher's softmax for a batch already at the step's resolution.</summary>
    public Tensor Probabilities(Tensor images)
    {
        using var noGrad = no_grad();
        return F.softmax(_net.call(images), 1);
    }

    /// <summary>The largest network of a supernet file.</summary>
    public static StaticOfaNet FromSupernetFile(string path, OfaSearchSpace space)
    {
        var (supernet, _) = SupernetFile.Read(path);
        using (supernet)
        {
            if (!supernet.Space.Equals(space))
                throw new InvalidDataException($"{path}: its search space differs from the run's model.space / widthMultiplier / data shape");
            return SubnetExtractor.Extract(supernet, SubnetConfig.Largest(space));
        }
    }

    public void Dispose() => _net.Dispose();
}

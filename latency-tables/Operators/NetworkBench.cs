using NasPrune.Supernet.Ofa;
using NasPrune.Supernet.Ofa.Static;
using TorchSharp;
using static TorchSharp.torch;

using NasPrune.LatencyTables.Measurement;

namespace NasPrune.LatencyTables.Operators;

/// <summary>
/// A whole sub-network as deployed, ready to be timed end to end: the input image (data-set size)
/// is resized to the network's resolution, then the static network runs.
/// </summary>
public sealed class NetworkBench : IBench
{
    private readonly StaticOfaNet _net;
    private readonly bool _ownsNet;
    private readonly Tensor _input;
    private readonly int _resolution;

    /// <summary>A freshly built network of <paramref name="config"/> with realistic random weights (tables and their checks).</summary>
    public NetworkBench(SubnetConfig config, int batch, int imageSize, Device device)
        : this(RandomNetwork(config), ownsNet: true, batch, imageSize, device)
    {
    }

    /// <summary>
    /// A given network, e.g. an exported, trained one (its own weights decide whether any activations
    /// fall into slow denormals); moved to <paramref name="device"/> and put in eval mode, not disposed.
    /// </summary>
    public NetworkBench(StaticOfaNet net, int batch, int imageSize, Device device)
        : this(net, ownsNet: false, batch, imageSize, device)
    {
    }

    /// <summary>A given network that the bench disposes with itself (e.g. one extracted for this bench alone).</summary>
    public static NetworkBench Owning(StaticOfaNet net, int batch, int imageSize, Device device) => new(net, ownsNet: true, batch, imageSize, device);

    private NetworkBench(StaticOfaNet net, bool ownsNet, int batch, int imageSize, Device device)
    {
        _net = net;
        _ownsNet = ownsNet;
        _net.to(device);
        _net.eval();
        _resolution = net.Config.Resolution;
        _input = randn(batch, net.Config.Space.InputChannels, imageSize, imageSize, device: device).DetachFromDisposeScope();
    }

    /// <summary>A network of <paramref name="config"/> with the realistic random weights tables are timed with.</summary>
    public static StaticOfaNet RandomNetwork(SubnetConfig config)
    {
        var net = new StaticOfaNet(config);
        // Weights as a real network's (he_fout): libtorch's default init shrinks activations layer by
        // layer into denormal floats, which the CPU computes ~100x slower than normal ones.
        OfaInit.Apply(net);
        return net;
    }

    public Tensor Forward() => _net.call(OfaInput.Resize(_input, _resolution));

    public void Dispose()
    {
        if (_ownsNet) _net.Dispose();
        _input.Dispose();
    }
}

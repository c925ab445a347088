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
    private readonly Tensor _input;
    private readonly int _resolution;

    public NetworkBench(SubnetConfig config, int batch, int imageSize, Device device)
    {
        _net = new StaticOfaNet(config);
        // Weights as a real network's (he_fout): libtorch's default init shrinks activations layer by
        // layer into denormal floats, which the CPU computes ~100x slower than normal ones.
        OfaInit.Apply(_net);
        _net.to(device);
        _net.eval();
        _resolution = config.Resolution;
        _input = randn(batch, config.Space.InputChannels, imageSize, imageSize, device: device).DetachFromDisposeScope();
    }

    public Tensor Forward() => _net.call(OfaInput.Resize(_input, _resolution));

    public void Dispose()
    {
        _net.Dispose();
        _input.Dispose();
    }
}

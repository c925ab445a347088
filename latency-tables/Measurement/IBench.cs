using static TorchSharp.torch;

namespace NasPrune.LatencyTables.Measurement;

/// <summary>Something to time: a module with its input, ready to run one forward pass.</summary>
public interface IBench : IDisposable
{
    Tensor Forward();
}
